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


_EXPRESSIONS: dict[tuple[str, ...], str] = {}


def helm_expression(value: Value) -> str:
    """``{{ index .Values "a" "b" | toJson }}`` (memoised: every chart asks the same paths)."""
    text = _EXPRESSIONS.get(value.path)
    if text is None:
        keys = " ".join(json.dumps(part) for part in value.path)
        text = f"{{{{ index .Values {keys} | toJson }}}}"
        if len(_EXPRESSIONS) < 100_000:
            _EXPRESSIONS[value.path] = text
    return text


class Template:
    """A manifest dumped once, with each ``Value`` left as a sentinel.

    ``helm()`` writes the placeholders as Helm expressions; ``render(values)`` writes
    each placeholder's value in flow style, which is what Helm's ``toJson`` produces.
    Both fill the same text, so the chart and the rendered manifests cannot disagree.
    The text is split at the sentinels once, so filling it is one join.
    """

    def __init__(self, doc: Any) -> None:
        self.values: list[Value] = []
        self.text = yaml_kit.dump(doc, self._mark)
        if "{{" in self.text or "}}" in self.text:
            raise ValueError("template text must not hold Go template syntax")
        # [text, index, text, index, ..., text]: what ``_SENTINEL_RE.sub`` would visit
        parts = _SENTINEL_RE.split(self.text)
        self._texts = parts[0::2]
        self._slots = [self.values[int(i)] for i in parts[1::2]]

    def _mark(self, node: Any) -> str:
        if not isinstance(node, Value):
            raise TypeError(f"cannot emit {type(node).__name__} as YAML")
        self.values.append(node)
        return _SENTINEL.format(len(self.values) - 1)

    def _fill(self, fills: list[str]) -> str:
        texts = self._texts
        out = [texts[0]]
        for fill, text in zip(fills, texts[1:], strict=True):
            out.append(fill)
            out.append(text)
        return "".join(out)

    def helm(self) -> str:
        return self._fill([helm_expression(value) for value in self._slots])

    def render(self, values: dict[str, Any]) -> str:
        fills = []
        for value in self._slots:
            found: Any = values
            for part in value.path:
                found = found[part]
            fills.append(yaml_kit.flow(found))
        return self._fill(fills)
