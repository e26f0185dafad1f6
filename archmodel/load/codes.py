"""Diagnostic codes raised while reading files and checking them against the schema."""

from archmodel.catalog import Severity, define

SYNTAX = define(
    "AM001",
    Severity.error,
    "YAML or JSON syntax error",
    "The file does not parse as YAML (or JSON for `.json` files).",
    fix="Correct the syntax at the reported line (an unclosed bracket or quote, a bad indent).",
)
DUPLICATE_KEY = define(
    "AM002",
    Severity.error,
    "duplicate mapping key",
    "A mapping repeats a key; YAML parsers silently keep the last one, archmodel refuses.",
    fix="Keep one of the two keys.",
)
ALIAS_LIMIT = define(
    "AM003",
    Severity.error,
    "alias expansion limit",
    "YAML aliases expand beyond a safe bound (an alias bomb); write the values out.",
    fix="Write the repeated values out instead of nesting aliases.",
)
ENCODING = define(
    "AM004",
    Severity.error,
    "invalid UTF-8",
    "Model files must be UTF-8 encoded.",
    fix="Save the file as UTF-8.",
)
EMPTY = define(
    "AM005",
    Severity.error,
    "empty file",
    "A model file must hold a mapping; this one is empty.",
    fix="Give the file at least one section, or remove it and its include.",
)
NOT_MAPPING = define(
    "AM006",
    Severity.error,
    "root is not a mapping",
    "The top level of a model file must be a mapping of sections.",
    fix="Make the top level a mapping of sections (`components:`, `flows:`, ...).",
)
VERSION = define(
    "AM007",
    Severity.error,
    "missing or unsupported version",
    "The root file must start with `archmodel: 1`.",
    fix="Start the root file with `archmodel: 1`.",
)
INCLUDE_CYCLE = define(
    "AM008",
    Severity.error,
    "include cycle",
    "Files include each other in a cycle.",
    fix="Remove one include of the cycle; include each file once, from one place.",
)
INCLUDE_ESCAPE = define(
    "AM009",
    Severity.error,
    "include escapes the model directory",
    "Includes must stay inside the root file's directory.",
    fix="Move the file into the model directory, or include a copy that lives there.",
)
INCLUDE_EMPTY = define(
    "AM010",
    Severity.error,
    "include matches nothing",
    "An include path or glob matches no file; a typo would silently drop part of the model.",
    fix="Correct the path or glob, or remove the include.",
)
UNREADABLE = define(
    "AM011",
    Severity.error,
    "file cannot be read",
    "A model file is missing or unreadable.",
    fix="Check that the file exists and that the user running archmodel may read it.",
)
ROOT_ONLY = define(
    "AM012",
    Severity.error,
    "root-only section in an included file",
    "`archmodel`, `system` and `x-policies` belong to the root file only.",
    fix="Keep `archmodel`, `system` and `x-policies` in the root file only.",
)
MULTI_DOC = define(
    "AM013",
    Severity.error,
    "several YAML documents",
    "A model file holds exactly one YAML document.",
    fix="Remove the `---` separator and merge the documents, or split them into included files.",
)
UNKNOWN_KEY = define(
    "AM101",
    Severity.error,
    "unknown key",
    "A key that the format does not define (typos must not pass silently); prefix your own keys with `x-`.",
    fix="Correct the key (the message suggests the closest one), or prefix a key of your own with `x-`.",
)
BAD_VALUE = define(
    "AM102",
    Severity.error,
    "wrong type or value",
    "A value has the wrong type or is not one of the allowed values.",
    fix="Use a value of the type or one of the values the message lists.",
)
MISSING_KEY = define(
    "AM103",
    Severity.error,
    "missing required key",
    "A required key is absent.",
    fix="Add the key.",
)
BAD_ID = define(
    "AM104",
    Severity.error,
    "invalid identifier",
    "Ids match `^[a-z][a-z0-9_-]{0,62}$`: lower case, digits, `_` and `-`, starting with a letter.",
    fix="Write the id in lower case, starting with a letter; use `_` or `-` between words.",
)
MISSING_SYSTEM = define(
    "AM105",
    Severity.error,
    "missing system",
    "The root file must describe the system: `system: {name: ...}`.",
    fix="Add `system: {name: ...}` to the root file.",
)
CONTROL_CHAR = define(
    "AM014",
    Severity.error,
    "control character",
    "YAML and JSON forbid control characters such as NUL; a parser may silently stop reading at one.",
    fix="Delete the character at the reported position (often pasted from a terminal or a binary file).",
)
NOT_REGULAR = define(
    "AM015",
    Severity.error,
    "include is not a regular file",
    "An include names a directory, a pipe or a device; only regular files are read.",
    fix="Include the YAML files themselves, or a glob such as `dir/*.yaml`, instead of a directory or device.",
)
TOO_LARGE = define(
    "AM016",
    Severity.error,
    "file too large",
    "A model file is larger than the 64 MiB limit.",
    fix="Split the model into smaller included files, or remove what is not model (generated or binary content).",
)
YAML_TAG = define(
    "AM017",
    Severity.error,
    "YAML tag",
    "Tags (`!custom`, `!!binary`) are not part of the format; the parser would drop them silently.",
    fix="Remove the tag, or quote the value if the `!` belongs to the text.",
)
NUMBER = define(
    "AM018",
    Severity.error,
    "number not read as written",
    "A number in a form YAML 1.2 does not define (`4_43`), or longer than 4300 digits.",
    fix="Write the number without `_` separators (`443`), or quote it if it is text.",
)
