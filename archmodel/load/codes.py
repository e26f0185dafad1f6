"""Diagnostic codes raised while reading files and checking them against the schema."""

from archmodel.catalog import Severity, define

SYNTAX = define(
    "AM001",
    Severity.error,
    "YAML or JSON syntax error",
    "The file does not parse as YAML (or JSON for `.json` files).",
)
DUPLICATE_KEY = define(
    "AM002",
    Severity.error,
    "duplicate mapping key",
    "A mapping repeats a key; YAML parsers silently keep the last one, archmodel refuses.",
)
ALIAS_LIMIT = define(
    "AM003",
    Severity.error,
    "alias expansion limit",
    "YAML aliases expand beyond a safe bound (an alias bomb); write the values out.",
)
ENCODING = define("AM004", Severity.error, "invalid UTF-8", "Model files must be UTF-8 encoded.")
EMPTY = define("AM005", Severity.error, "empty file", "A model file must hold a mapping; this one is empty.")
NOT_MAPPING = define(
    "AM006",
    Severity.error,
    "root is not a mapping",
    "The top level of a model file must be a mapping of sections.",
)
VERSION = define(
    "AM007",
    Severity.error,
    "missing or unsupported version",
    "The root file must start with `archmodel: 1`.",
)
INCLUDE_CYCLE = define("AM008", Severity.error, "include cycle", "Files include each other in a cycle.")
INCLUDE_ESCAPE = define(
    "AM009",
    Severity.error,
    "include escapes the model directory",
    "Includes must stay inside the root file's directory.",
)
INCLUDE_EMPTY = define(
    "AM010",
    Severity.error,
    "include matches nothing",
    "An include path or glob matches no file; a typo would silently drop part of the model.",
)
UNREADABLE = define("AM011", Severity.error, "file cannot be read", "A model file is missing or unreadable.")
ROOT_ONLY = define(
    "AM012",
    Severity.error,
    "root-only section in an included file",
    "`archmodel` and `system` belong to the root file only.",
)
MULTI_DOC = define(
    "AM013",
    Severity.error,
    "several YAML documents",
    "A model file holds exactly one YAML document.",
)
UNKNOWN_KEY = define(
    "AM101",
    Severity.error,
    "unknown key",
    "A key that the format does not define (typos must not pass silently); prefix your own keys with `x-`.",
)
BAD_VALUE = define(
    "AM102",
    Severity.error,
    "wrong type or value",
    "A value has the wrong type or is not one of the allowed values.",
)
MISSING_KEY = define("AM103", Severity.error, "missing required key", "A required key is absent.")
BAD_ID = define(
    "AM104",
    Severity.error,
    "invalid identifier",
    "Ids match `^[a-z][a-z0-9_-]{0,62}$`: lower case, digits, `_` and `-`, starting with a letter.",
)
MISSING_SYSTEM = define(
    "AM105",
    Severity.error,
    "missing system",
    "The root file must describe the system: `system: {name: ...}`.",
)
CONTROL_CHAR = define(
    "AM014",
    Severity.error,
    "control character",
    "YAML and JSON forbid control characters such as NUL; a parser may silently stop reading at one.",
)
NOT_REGULAR = define(
    "AM015",
    Severity.error,
    "include is not a regular file",
    "An include names a directory, a pipe or a device; only regular files are read.",
)
TOO_LARGE = define(
    "AM016",
    Severity.error,
    "file too large",
    "A model file is larger than the 64 MiB limit.",
)
YAML_TAG = define(
    "AM017",
    Severity.error,
    "YAML tag",
    "Tags (`!custom`, `!!binary`) are not part of the format; the parser would drop them silently.",
)
NUMBER = define(
    "AM018",
    Severity.error,
    "number not read as written",
    "A number in a form YAML 1.2 does not define (`4_43`), or longer than 4300 digits.",
)
