"""One manifest structure, two renderings: a Helm template and a rendered manifest.

The structure is dumped once through a data-to-YAML emitter (``archmodel.formats.yaml``: sorted
keys, block style; never string templates) with each ``Value`` as a NUL character, which
the emitter writes for nothing else (it escapes control characters in any string). The
template replaces a placeholder by ``{{ index .Values "a" "b" | toJson }}`` (JSON is YAML,
so Helm's output parses as the value itself); a rendered manifest replaces it by the
value in YAML flow style. Template text is otherwise only ids and constants, checked
here, so no model text can be read as Go template syntax.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from archmodel.formats import yaml as yaml_kit
from archmodel.formats.memo import remember
from archmodel.generators.helm.manifests import Value

_PLACEHOLDER = "\x00"  # never in the emitter's own output: it writes NUL as ``\x00``


def dump(doc: Any) -> str:
    return yaml_kit.dump(doc)


_EXPRESSIONS: dict[tuple[str, ...], str] = {}


def helm_expression(value: Value) -> str:
    """``{{ index .Values "a" "b" | toJson }}`` (memoised: every chart asks the same paths)."""
    text = _EXPRESSIONS.get(value.path)
    if text is None:
        keys = " ".join(json.dumps(part) for part in value.path)
        text = remember(_EXPRESSIONS, value.path, f"{{{{ index .Values {keys} | toJson }}}}", 100_000)
    return text


class Template:
    """A manifest dumped once, with each ``Value`` left as a placeholder.

    ``helm()`` writes the placeholders as Helm expressions; ``render(values)`` writes
    each placeholder's value in flow style, which is what Helm's ``toJson`` produces.
    Both fill the same text, so the chart and the rendered manifests cannot disagree.
    The text is split at the placeholders once, so filling it is one join.
    """

    def __init__(self, doc: Any) -> None:
        self.values: list[Value] = []
        text = yaml_kit.dump(doc, self._mark)
        if "{{" in text or "}}" in text:
            raise ValueError("template text must not hold Go template syntax")
        self._texts = text.split(_PLACEHOLDER)  # one more than the values, in order
        if len(self._texts) != len(self.values) + 1:
            raise ValueError("template text must not hold the placeholder character")

    def _mark(self, node: Any) -> str:
        if not isinstance(node, Value):
            raise TypeError(f"cannot emit {type(node).__name__} as YAML")
        self.values.append(node)
        return _PLACEHOLDER

    def _fill(self, fills: list[str]) -> str:
        out = self._texts + fills  # the right length; then text, fill, text, ... in place
        out[0::2] = self._texts
        out[1::2] = fills
        return "".join(out)

    def helm(self) -> str:
        return self._fill([helm_expression(value) for value in self.values])

    def render(self, values: dict[str, Any], written: dict[tuple[str, ...], str] | None = None) -> str:
        """The manifest with ``values``; ``written`` keeps each path's text for the next
        template rendered with the same values (labels and annotations recur in each)."""
        memo = {} if written is None else written
        fills = []
        for value in self.values:
            text = memo.get(value.path)
            if text is None:
                found: Any = values
                for part in value.path:
                    found = found[part]
                text = memo[value.path] = yaml_kit.flow(found)
            fills.append(text)
        return self._fill(fills)


class ValuesText:
    """A chart's values files, which differ only in a few keys: a block mapping is its
    keys' lines in key order, so each run of consecutive keys that no environment
    changes is dumped once, from the defaults, and only the other keys per file."""

    def __init__(self, defaults: dict[str, Any], varying: Collection[str]) -> None:
        self._keys = defaults.keys()
        self._runs: list[tuple[list[str], str | None]] = []  # text None: dumped per file
        for key in sorted(defaults):
            fixed = key not in varying
            if fixed and self._runs and self._runs[-1][1] is not None:
                self._runs[-1][0].append(key)
            else:
                self._runs.append(([key], "" if fixed else None))
        self._runs = [
            (keys, yaml_kit.dump({k: defaults[k] for k in keys}) if text is not None else None)
            for keys, text in self._runs
        ]

    def dump(self, values: dict[str, Any]) -> str:
        """``dump(values)``, for values with the defaults' keys (any others: dumped whole)."""
        if not values or values.keys() != self._keys:
            return yaml_kit.dump(values)
        parts = []
        for keys, text in self._runs:
            parts.append(text if text is not None else yaml_kit.dump({k: values[k] for k in keys}))
        return "".join(parts)
