"""Hostile model files: each is one located diagnostic, never a traceback, a hang or a
silently shortened model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archmodel.load import reader

HEADER = "archmodel: 1\nsystem: {name: Shop}\n"
MODEL = (
    "components:\n  - {id: a, kind: actor, name: A}\n  - {id: b, kind: service, name: B}\n"
    "flows:\n  - {from: a, to: b, protocol: https}\n"
)


def codes_at(model: Path) -> list[tuple[str, str, int, int]]:
    from archmodel.api import load_project

    return [
        (d.code, Path(d.file or "").name, d.line or 0, d.column or 0) for d in load_project(model).diagnostics
    ]


def test_nul_byte_in_a_comment_is_an_error_not_a_shorter_model(tmp_path: Path) -> None:
    (tmp_path / "archmodel.yaml").write_bytes(HEADER.encode() + b"# note \x00 here\n" + MODEL.encode())
    assert codes_at(tmp_path) == [("AM014", "archmodel.yaml", 3, 8)]


@settings(max_examples=50, deadline=None)
@given(at=st.integers(min_value=0), char=st.sampled_from([0, 1, 8, 0x0B, 0x1B, 0x7F]))
def test_a_control_character_anywhere_is_located(at: int, char: int) -> None:
    import tempfile

    text = (HEADER + MODEL).encode()
    at %= len(text) + 1
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "archmodel.yaml").write_bytes(text[:at] + bytes([char]) + text[at:])
        before = text[:at]
        line = before.count(b"\n") + 1
        column = at - (before.rfind(b"\n") + 1) + 1
        assert codes_at(Path(tmp)) == [("AM014", "archmodel.yaml", line, column)]


def _include(tmp_path: Path, target: str) -> Path:
    (tmp_path / "archmodel.yaml").write_text(HEADER + f"include: ['{target}']\n")
    return tmp_path


def test_include_of_a_directory_or_dot(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    assert codes_at(_include(tmp_path, "sub")) == [("AM015", "archmodel.yaml", 3, 11)]
    assert codes_at(_include(tmp_path, ".")) == [("AM015", "archmodel.yaml", 3, 11)]


def test_include_of_a_fifo_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "f.yaml")
    found = codes_at(_include(tmp_path, "f.yaml"))
    assert found == [("AM015", "archmodel.yaml", 3, 11)]


def test_include_of_a_link_to_dev_zero(tmp_path: Path) -> None:
    (tmp_path / "z.yaml").symlink_to("/dev/zero")
    assert codes_at(_include(tmp_path, "z.yaml")) == [("AM015", "archmodel.yaml", 3, 11)]


def test_a_glob_skips_directories_but_not_pipes(tmp_path: Path) -> None:
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "dir.yaml").mkdir()
    (tmp_path / "parts" / "a.yaml").write_text("zones: []\n")
    assert codes_at(_include(tmp_path, "parts/*.yaml")) == []
    os.mkfifo(tmp_path / "parts" / "p.yaml")
    assert codes_at(_include(tmp_path, "parts/*.yaml")) == [("AM015", "archmodel.yaml", 3, 11)]


def test_reading_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_SIZE", 1024)
    (tmp_path / "big.yaml").write_text("zones: []\n" + "# padding\n" * 200)
    (d,) = codes_of = [d for d in _load(_include(tmp_path, "big.yaml")).diagnostics]
    assert (d.code, Path(d.file or "").name, d.line) == ("AM016", "big.yaml", 1), codes_of
    assert "1 KiB" not in d.message and "limit" in d.message
    assert reader.read_bytes(Path("/dev/zero"))[1] is not None


def _load(model: Path):  # type: ignore[no-untyped-def]
    from archmodel.api import load_project

    return load_project(model)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x-big: " + "9" * 4301 + "\n", ("AM018", 3, 8)),
        (
            MODEL.replace("name: B}", "name: B, deploy: {runtime: vm, port: " + "1" * 4301 + "}}"),
            ("AM018", 5, 65),
        ),
    ],
)
def test_a_4301_digit_integer(tmp_path: Path, text: str, expected: tuple[str, int, int]) -> None:
    (tmp_path / "archmodel.yaml").write_text(HEADER + text)
    assert [(c, line, col) for c, _, line, col in codes_at(tmp_path)] == [expected]


def test_a_4301_digit_integer_in_json(tmp_path: Path) -> None:
    big = "1" * 4301
    (tmp_path / "archmodel.json").write_text(f'{{"archmodel": 1, "system": {{"name": "S"}},\n "x-a": {big}}}')
    assert codes_at(tmp_path) == [("AM018", "archmodel.json", 2, 9)]


# The top mapping is level 0 and ``x-a``'s value level 1: the error names the first
# value at level 65, the 64th nested key below ``x-a`` (line 3 + 64, indented 64) or the
# 65th bracket (column 6 + 64 on the line, 50 + 64 in the JSON document, whose first
# bracket is at column 50).
@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("x-a:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(3000)), (67, 65)),
        ("x-a: " + "[" * 200 + "]" * 200 + "\n", (3, 70)),
    ],
)
def test_deep_yaml_is_an_error_where_it_gets_too_deep(
    tmp_path: Path, text: str, where: tuple[int, int]
) -> None:
    (tmp_path / "archmodel.yaml").write_text(HEADER + text)
    assert codes_at(tmp_path) == [("AM001", "archmodel.yaml", *where)]


@pytest.mark.parametrize("depth", [900, 5000])
def test_deep_json_is_an_error_where_it_gets_too_deep(tmp_path: Path, depth: int) -> None:
    doc = '{"archmodel": 1, "system": {"name": "S"}, "x-a": ' + "[" * depth + "]" * depth + "}"
    (tmp_path / "archmodel.json").write_text(doc)
    assert codes_at(tmp_path) == [("AM001", "archmodel.json", 1, 50 + 64)]


def test_deeply_nested_zones(tmp_path: Path) -> None:
    n = 3000
    zones = "".join(
        f"  - {{id: z{i}, name: Z, trust: internal" + (f", parent: z{i - 1}" if i else "") + "}\n"
        for i in range(n)
    )
    last = f"z{n - 1}"
    (tmp_path / "archmodel.yaml").write_text(
        HEADER
        + "zones:\n"
        + zones
        + f"components:\n  - {{id: a, kind: actor, name: A, zone: {last}}}\n"
        + f"  - {{id: b, kind: service, name: B, zone: {last}}}\n"
        + "flows:\n  - {from: a, to: b, protocol: https}\n"
    )
    # Refused by AM311 (zones nest at most 32 levels), once, without a traceback.
    assert [c for c, *_ in codes_at(tmp_path)] == ["AM311"]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "archmodel"), "threats", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("components:\n  -\t{id: a, kind: actor, name: A}\n", ("AM001", 4, 4)),
        (
            "components:\n  - {id: a, kind: service, name: A, deploy: {runtime: vm, port: 4_43}}\n",
            ("AM018", 4, 65),
        ),
        ("components:\n  - {id: a, kind: actor, name: !custom A}\n", ("AM017", 4, 32)),
        ("components:\n  - {id: a, kind: actor, name: !!binary QQ==}\n", ("AM017", 4, 32)),
    ],
)
def test_yaml_the_parser_would_take_silently(
    tmp_path: Path, text: str, expected: tuple[str, int, int]
) -> None:
    (tmp_path / "archmodel.yaml").write_text(HEADER + text)
    assert [(c, line, col) for c, _, line, col in codes_at(tmp_path)] == [expected]


def test_look_alikes_stay_valid(tmp_path: Path) -> None:
    text = (
        "components:\n"
        "  - id: a\n    kind: actor\n    name: 'Hi !custom 4_43'\n    description: |\n      -\tx !y 1_0\n"
        "  - {id: b_1, kind: service, name: s3_bucket 1_x}\n"
        "flows:\n  - {from: a, to: b_1, protocol: https}\n"
    )
    (tmp_path / "archmodel.yaml").write_text(HEADER + text)
    assert codes_at(tmp_path) == []


def test_format_version_must_be_the_integer_1(tmp_path: Path) -> None:
    (tmp_path / "archmodel.yaml").write_text("archmodel: 1.0\nsystem: {name: S}\n")
    assert codes_at(tmp_path) == [("AM007", "archmodel.yaml", 1, 12)]


def test_expires_as_a_unix_timestamp(tmp_path: Path) -> None:
    midnight = 1699920000  # 2023-11-14T00:00:00Z: the schema alone would take it for a date
    (tmp_path / "archmodel.yaml").write_text(
        HEADER
        + MODEL
        + "risks:\n  - threat: AMT001\n    target: 'component:a'\n    status: accepted\n"
        + f"    justification: ok\n    expires: {midnight}\n"
    )
    assert [c for c in codes_at(tmp_path) if c[0] != "AM208"] == [("AM102", "archmodel.yaml", 13, 14)]


def test_a_5000_character_path_is_a_usage_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "archmodel"), "validate", "a" * 5000],
        capture_output=True,
        cwd=tmp_path,
    )
    assert done.returncode == 2 and b"Traceback" not in done.stderr


def test_a_non_utf8_file_name(tmp_path: Path) -> None:
    model = os.path.join(os.fsencode(tmp_path), b"m\xff")
    os.mkdir(model)
    with open(os.path.join(model, b"archmodel.yaml"), "w") as handle:
        handle.write("archmodel: 2\nsystem: {name: S}\n")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "archmodel"), "validate", model], capture_output=True
    )
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert b"AM007" in done.stdout + done.stderr


def test_a_pipe_or_device_as_the_model_is_a_usage_error(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "m.yaml")
    for model in (tmp_path / "m.yaml", Path("/dev/zero")):
        done = subprocess.run(
            [str(Path(sys.executable).parent / "archmodel"), "validate", str(model)],
            capture_output=True,
            timeout=30,
        )
        assert done.returncode == 2 and b"not a regular file" in done.stderr


_LINE_ENDS = st.sampled_from(["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029"])
_PIECES = st.sampled_from([" ", "\t", "#", "# note", "a: 1", "!tag", "\u00a0", "\u3000", "x"]) | _LINE_ENDS


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_only_comments_is_decided_as_line_by_line(text: str) -> None:
    """The quick answer (the first character that is not white space) agrees with reading
    every line, whatever separates the lines and whatever counts as white space."""
    by_lines = all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())
    assert reader._only_comments(text) == by_lines


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b" ", b"\t", b"\n", b"[", b"{", b",", b"!", b"a", b"-", b":"]), max_size=10))
def test_tag_suspicion_is_a_bang_starting_a_token(pieces: list[bytes]) -> None:
    from archmodel.load import strict

    raw = b"".join(pieces)
    starts = raw.startswith(b"!") or any(b + b"!" in raw for b in (b" ", b"\t", b"\n", b"[", b"{", b","))
    assert strict._tag_like(raw) == starts


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ("k:\n  name: S\n\tdescription: x\n", (5, 1)),  # the parser names the scalar before
        ("components:\n\t- {id: a, kind: service}\n", (4, 1)),  # and here the column after
        ("k:\n  a: b\n\tc: d\n", (5, 1)),
    ],
)
def test_a_tab_error_points_at_the_tab(tmp_path: Path, body: str, where: tuple[int, int]) -> None:
    (tmp_path / "archmodel.yaml").write_text("archmodel: 1\nsystem: {name: S}\n" + body, encoding="utf-8")
    found = [(line, column) for code, _, line, column in codes_at(tmp_path) if code == "AM001"]
    assert found == [where]
