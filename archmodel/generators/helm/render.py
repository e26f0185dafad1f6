"""One manifest structure, two renderings: a Helm template and a rendered manifest.

The structure is dumped once through a data-to-YAML emitter (``archmodel.formats.yaml``: sorted
keys, block style; never string templates) with each ``Value`` as a plain sentinel. The
template replaces a sentinel by ``{{ index .Values "a" "b" | toJson }}`` (JSON is YAML,
so Helm's output parses as the value itself); a rendered manifest replaces it by the
value in YAML flow style. Template text is otherwise only ids and constants, checked
here, so no model text can be read as Go template syntax.
"""

from __future__ import annotations

import json
import re
from typing import Any

from archmodel.formats import yaml as yaml_kit
from archmodel.generators.helm.manifests import Value

_SENTINEL = "__archmodel_value_{}__"
_SENTINEL_RE = re.compile(r"__archmodel_value_(\d+)__")


def dump(doc: Any) -> str:
    return yaml_kit.dump(doc)


def helm_expression(value: Value) -> str:
    keys = " ".join(json.dumps(part) for part in value.path)
    return f"{{{{ index .Values {keys} | toJson }}}}"


class Template:
    """A manifest dumped once, with each ``Value`` left as a sentinel.

    ``helm()`` writes the placeholders as Helm expressions; ``render(values)`` writes
    each placeholder's value in flow style, which is what Helm's ``toJson`` produces.
    Both fill the same text, so the chart and the rendered manifests cannot disagree.
    """

    def __init__(self, doc: Any) -> None:
        self.values: list[Value] = []
        self.text = yaml_kit.dump(doc, self._mark)
        if "{{" in self.text or "}}" in self.text:
            raise ValueError("template text must not hold Go template syntax")

    def _mark(self, node: Any) -> str:
        if not isinstance(node, Value):
            raise TypeError(f"cannot emit {type(node).__name__} as YAML")
        self.values.append(node)
        return _SENTINEL.format(len(self.values) - 1)

    def helm(self) -> str:
        return _SENTINEL_RE.sub(lambda m: helm_expression(self.values[int(m.group(1))]), self.text)

    def render(self, values: dict[str, Any]) -> str:
        def fill(match: re.Match[str]) -> str:
            found: Any = values
            for part in self.values[int(match.group(1))].path:
                found = found[part]
            return yaml_kit.flow(found)

        return _SENTINEL_RE.sub(fill, self.text)
