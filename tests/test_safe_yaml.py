"""The strict YAML reader: core-schema scalars, lines, and every refusal with its line."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from classroom.lessons.safe_yaml import (
    MAX_DEPTH,
    YamlProblem,
    YamlSourceError,
    parse_yaml,
    read_yaml,
)


def refusal(text: str) -> YamlProblem:
    with pytest.raises(YamlSourceError) as caught:
        parse_yaml(text)
    return caught.value.problem


def test_scalars_follow_the_yaml_1_2_core_schema() -> None:
    document = parse_yaml(
        "caption: no\n"
        "time: 1:20\n"
        "date: 2024-01-01\n"
        "flags: [true, False, yes, off]\n"
        "numbers: [12, -3, 0o17, 0x1F, 1.5, 2e3, 007]\n"
        "nothing: [~, null, ]\n"
        "quoted: ['12', \"true\"]\n"
    )
    assert document.data == {
        "caption": "no",
        "time": "1:20",
        "date": "2024-01-01",
        "flags": [True, False, "yes", "off"],
        "numbers": [12, -3, 15, 31, 1.5, 2000.0, 7],
        "nothing": [None, None],
        "quoted": ["12", "true"],
    }
    assert document.problems == []


def test_keys_keep_their_text() -> None:
    document = parse_yaml("1: one\nyes: two\nnull: three\n")
    assert document.data == {"1": "one", "yes": "two", "null": "three"}


def test_every_key_and_item_has_its_line() -> None:
    document = parse_yaml(
        "title: x\n"  # 1
        "steps:\n"  # 2
        "  - text: a\n"  # 3
        "    reference:\n"  # 4
        "      - 1\n"  # 5
        "      - 2\n"  # 6
        "  - text: b\n"  # 7
    )
    assert document.lines[("title",)] == 1
    assert document.lines[("steps", 0)] == 3
    assert document.lines[("steps", 0, "reference")] == 4
    assert document.lines[("steps", 0, "reference", 1)] == 6
    assert document.lines[("steps", 1, "text")] == 7
    # A location that does not exist falls back to its nearest enclosing value.
    assert document.line_of(("steps", 1, "title")) == 7
    assert document.line_of(("steps", 5)) == 2


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    document = parse_yaml("title: a\nsteps: []\ntitle: b\n")
    assert document.data == {"title": "b", "steps": []}
    assert document.problems == [
        YamlProblem(
            3,
            ("title",),
            "duplicate key 'title' (first at line 1); YAML would silently keep only the last one",
        )
    ]


def test_complex_keys_are_reported() -> None:
    document = parse_yaml("? [a, b]\n: c\nd: e\n")
    assert document.data == {"d": "e"}
    assert document.problems == [YamlProblem(1, (), "a key must be a plain name")]


def test_billion_laughs_is_refused_at_the_first_anchor() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    problem = refusal("title: x\n" + "\n".join(lines) + "\n")
    assert problem.line == 2
    assert problem.message.startswith("anchors (&name) and aliases (*name) are not allowed")


def test_aliases_alone_are_refused() -> None:
    assert refusal("a: 1\nb: *missing\n").line == 2


def test_nesting_is_bounded() -> None:
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    assert refusal("a: " + deep).message == f"nested more than {MAX_DEPTH} levels deep"
    # Far deeper than Python's recursion limit: still a clean refusal, not a crash.
    assert "nested more than" in refusal("[" * 100_000).message
    assert parse_yaml("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)).problems == []


def test_syntax_errors_carry_their_line_and_a_hint() -> None:
    problem = refusal("title: x\ntext: a: b\n")
    assert problem.line == 2
    assert problem.message == (
        "mapping values are not allowed here (is a text with ': ' in it missing its quotes?)"
    )
    tab = refusal("title: x\n\tsteps: []\n")
    assert tab.line == 2
    assert "tabs are not allowed" in tab.message


def test_a_second_document_is_refused() -> None:
    problem = refusal("title: a\n---\ntitle: b\n")
    assert problem == YamlProblem(
        2, (), "a lesson file holds one YAML document; remove the second '---'"
    )


def test_control_characters_are_refused_with_their_line() -> None:
    problem = refusal("title: a\ntext: b\x07c\n")
    assert problem == YamlProblem(
        2, (), "the file holds a control character (U+0007) that YAML does not allow"
    )


def test_tags_are_refused_but_parsing_goes_on() -> None:
    document = parse_yaml(
        "a: !!python/object/apply:os.system ['echo hi']\nb: !!set {x}\nc: !!int abc\nd: !!str 1\n"
    )
    assert document.data == {"a": ["echo hi"], "b": {"x": None}, "c": "abc", "d": "1"}
    assert [(p.line, p.message) for p in document.problems] == [
        (
            1,
            "YAML tags like '!!python/object/apply:os.system' are not allowed in lesson files; "
            "remove the tag",
        ),
        (2, "YAML tags like '!!set' are not allowed in lesson files; remove the tag"),
        (3, "'abc' cannot be read as !!int"),
    ]


def test_an_empty_document_is_none() -> None:
    assert parse_yaml("# only a comment\n").data is None


def file_refusal(path: Path, **kwargs: int) -> YamlProblem:
    with pytest.raises(YamlSourceError) as caught:
        read_yaml(path, **kwargs)
    return caught.value.problem


def test_files_over_the_size_limit_are_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("# padding\n" * 200)
    problem = file_refusal(path, max_bytes=1000)
    assert problem.line is None
    assert problem.message.startswith("the file is larger than 1 kB")
    assert read_yaml(path, max_bytes=2000).data is None


def test_non_utf8_files_are_refused_with_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: ok\ncaption: café\n".encode("latin-1"))
    assert file_refusal(path) == YamlProblem(
        2, (), "not UTF-8 text: byte 0xe9 cannot be decoded; save the file as UTF-8"
    )


def test_utf16_files_are_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(codecs.BOM_UTF16_LE + "title: x\n".encode("utf-16-le"))
    assert file_refusal(path).message == "the file is saved as UTF-16; save it as UTF-8"


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(codecs.BOM_UTF8 + b"title: x\n")
    assert read_yaml(path).data == {"title": "x"}


def test_only_regular_files_are_read(tmp_path: Path) -> None:
    assert file_refusal(tmp_path).message == "not a regular file"
    assert file_refusal(tmp_path / "missing.yaml").message == "no such file"
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert file_refusal(fifo).message == "not a regular file"  # would block if opened
