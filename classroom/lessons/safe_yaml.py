"""Strict, bounded YAML reading that remembers the line of every value.

Lesson files are written by hand, so the loader must explain every mistake by line, and a
hostile or damaged file must not cost more than a small, fixed amount of memory and time.
PyYAML's ``SafeLoader`` alone falls short in five ways, each fixed here:

- It resolves YAML 1.1 scalars: ``no``, ``off`` and ``yes`` become booleans (a caption
  "No" turns into ``False``), ``1:20`` becomes 80 and ``2024-01-01`` a date. We resolve the
  YAML 1.2 *core* schema only (``true``/``false``, ``null``, decimal numbers).
- A duplicate key silently keeps the last value: we report it.
- Anchors and aliases let a kilobyte expand to gigabytes ("billion laughs"): we refuse both.
- Its composer recurses once per nesting level, so deep nesting overflows the stack: we cap
  the depth.
- Constructed values forget where they came from: we keep the line of every mapping key and
  sequence item, addressed by its path (``("steps", 2, "reference")``).

Only the pure-Python parser is used: its composer is the one place we can refuse aliases and
bound the depth before anything is built, and lesson files are small.
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, Event
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "Document",
    "Location",
    "YamlProblem",
    "YamlSourceError",
    "parse_yaml",
    "read_yaml",
]

#: Hand-written lesson files are a few kilobytes; anything near a megabyte is the wrong file.
MAX_BYTES: Final = 1_000_000
#: Lessons nest four levels deep; 32 leaves room and keeps the recursive composer safe.
MAX_DEPTH: Final = 32

#: Where a value sits in the document: mapping keys and sequence indices from the root.
Location = tuple[str | int, ...]

_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_TAG + name for name in ("str", "int", "float", "bool", "null"))
_MAP, _SEQ = _TAG + "map", _TAG + "seq"

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_NULL_RE: Final = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_RE: Final = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT_RE: Final = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_RE: Final = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)

#: Plain-language hints for the parser errors people actually make.
_HINTS: Final = (
    ("mapping values are not allowed here", "is a text with ': ' in it missing its quotes?"),
    ("cannot start any token", "indent with spaces; tabs are not allowed in YAML"),
    ("did not find expected key", "check the indentation of this line and the one above"),
    ("did not find expected '-' indicator", "list items must line up under each other"),
    ("found undefined alias", "'*' starts an alias; put text that starts with '*' in quotes"),
    ("expected alphabetic or numeric character", "put text that starts with '*' or '&' in quotes"),
)


@dataclass(frozen=True)
class YamlProblem:
    """One thing wrong with a YAML file. ``line`` is 1-based, ``None`` for the whole file."""

    line: int | None
    location: Location
    message: str


class YamlSourceError(ValueError):
    """The file cannot be read as YAML at all; ``problem`` says where and why."""

    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass(frozen=True)
class Document:
    """A parsed YAML document.

    Attributes:
        data: plain Python values (dict with ``str`` keys, list, str, int, float, bool, None).
        lines: the 1-based line of each mapping key and sequence item, by location.
        problems: mistakes that did not stop parsing (duplicate keys, complex keys, tags).
    """

    data: object
    lines: dict[Location, int] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)

    def line_of(self, location: Sequence[str | int]) -> int:
        """The line of ``location``, or of its nearest enclosing value that exists."""
        parts = tuple(location)
        while parts:
            line = self.lines.get(parts)
            if line is not None:
                return line
            parts = parts[:-1]
        return self.lines.get((), 1)


class _RefusedError(Exception):
    """A construct we refuse on purpose, at a 1-based line."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _CoreResolver(BaseResolver):
    """Tags plain scalars by the YAML 1.2 core schema instead of YAML 1.1."""


for _tag, _regexp, _first in (
    (_BOOL, _BOOL_RE, "tTfF"),
    (_INT, _INT_RE, "-+0123456789"),
    (_FLOAT, _FLOAT_RE, "-+.0123456789"),
    (_NULL, _NULL_RE, ["~", "n", "N", ""]),
):
    _CoreResolver.add_implicit_resolver(_tag, _regexp, list(_first))


class _Loader(Reader, Scanner, Parser, Composer, _CoreResolver):
    """Reads one document into nodes; refuses anchors and aliases; bounds the nesting depth."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _CoreResolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event: Event = self.peek_event()  # type: ignore[no-untyped-call]
        line = int(event.start_mark.line) + 1 if event.start_mark is not None else 1
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _RefusedError(
                "anchors (&name) and aliases (*name) are not allowed in lesson files; "
                "write the value out",
                line,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _RefusedError(f"nested more than {MAX_DEPTH} levels deep", line)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


class _Builder:
    """Turns nodes into plain values, recording lines and collecting non-fatal problems."""

    def __init__(self) -> None:
        self.lines: dict[Location, int] = {}
        self.problems: list[YamlProblem] = []

    def build(self, node: Node, location: Location) -> object:
        if isinstance(node, MappingNode):
            return self._mapping(node, location)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                self._refuse_tag(node, location)
            items: list[object] = []
            for index, item in enumerate(node.value):
                self.lines[(*location, index)] = _line(item)
                items.append(self.build(item, (*location, index)))
            return items
        assert isinstance(node, ScalarNode)
        return self._scalar(node, location)

    def _mapping(self, node: MappingNode, location: Location) -> dict[str, object]:
        if node.tag != _MAP:
            self._refuse_tag(node, location)
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problems.append(
                    YamlProblem(_line(key_node), location, "a key must be a plain name")
                )
                continue
            # Keys are names (fields, image ids): keep the text as written, whatever it looks
            # like, so that an image called `1` or `yes` is not turned into a number or flag.
            key = str(key_node.value)
            here = (*location, key)
            if key in result:
                self.problems.append(
                    YamlProblem(
                        _line(key_node),
                        here,
                        f"duplicate key '{key}' (first at line {self.lines[here]}); "
                        "YAML would silently keep only the last one",
                    )
                )
            self.lines[here] = _line(key_node)
            result[key] = self.build(value_node, here)
        return result

    def _scalar(self, node: ScalarNode, location: Location) -> object:
        text = str(node.value)
        tag = node.tag
        try:
            if tag == _STR:
                return text
            if tag == _NULL and _NULL_RE.match(text):
                return None
            if tag == _BOOL and _BOOL_RE.match(text):
                return text.lower() == "true"
            if tag == _INT:
                return _to_int(text)
            if tag == _FLOAT:
                return _to_float(text)
        except ValueError:
            pass
        if tag in (_NULL, _BOOL, _INT, _FLOAT):
            kind = tag.removeprefix(_TAG)
            self.problems.append(
                YamlProblem(_line(node), location, f"'{text}' cannot be read as !!{kind}")
            )
            return text
        self._refuse_tag(node, location)
        return text

    def _refuse_tag(self, node: Node, location: Location) -> None:
        self.problems.append(
            YamlProblem(
                _line(node),
                location,
                f"YAML tags like '{_shown_tag(node.tag)}' are not allowed in lesson files; "
                "remove the tag",
            )
        )


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _to_int(text: str) -> int:
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _to_float(text: str) -> float:
    lowered = text.lower()
    if lowered.endswith(".inf"):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == ".nan":
        return math.nan
    return float(text)


def _hint(message: str) -> str:
    for fragment, hint in _HINTS:
        if fragment in message:
            return f"{message} ({hint})"
    return message


def parse_yaml(text: str) -> Document:
    """Parse one YAML document from ``text``.

    Raises:
        YamlSourceError: if the text is not YAML, holds more than one document, uses anchors
            or aliases, or nests too deeply.
    """
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # the reader checks every character here
        root = loader.get_single_node()
    except _RefusedError as error:
        raise YamlSourceError(YamlProblem(error.line, (), str(error))) from error
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = int(mark.line) + 1 if mark is not None else None
        message = error.problem or error.context or "not valid YAML"
        if "expected a single document" in str(error.context):
            message = "a lesson file holds one YAML document; remove the second '---'"
        raise YamlSourceError(YamlProblem(line, (), _hint(message))) from error
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, max(error.position, 0)) + 1
        raise YamlSourceError(
            YamlProblem(
                line,
                (),
                f"the file holds a control character (U+{error.character:04X}) that YAML "
                "does not allow",
            )
        ) from error
    except yaml.YAMLError as error:  # pragma: no cover - every PyYAML error is one of the above
        raise YamlSourceError(YamlProblem(None, (), f"not valid YAML: {error}")) from error
    finally:
        if loader is not None:
            loader.dispose()
    if root is None:
        return Document(data=None, lines={(): 1})
    builder = _Builder()
    builder.lines[()] = _line(root)
    data = builder.build(root, ())
    return Document(data=data, lines=builder.lines, problems=builder.problems)


def read_yaml(path: Path, *, max_bytes: int = MAX_BYTES) -> Document:
    """Read and parse a YAML file, refusing files that are too large or not UTF-8 text.

    Raises:
        YamlSourceError: if the file cannot be read, is too large, is not UTF-8 or is not
            valid YAML (see :func:`parse_yaml`).
    """

    def refuse(message: str, line: int | None = None) -> YamlSourceError:
        return YamlSourceError(YamlProblem(line, (), message))

    try:
        # A FIFO or device would block or never end; only read regular files.
        if not path.is_file():
            if path.exists():
                raise refuse("not a regular file")
            raise refuse("no such file")
        with path.open("rb") as stream:
            raw = stream.read(max_bytes + 1)
    except OSError as error:
        raise refuse(f"cannot be read: {error.strerror or error}") from error
    if len(raw) > max_bytes:
        raise refuse(
            f"the file is larger than {max_bytes // 1000} kB; a lesson file is a small text "
            "file (is this the right file?)"
        )
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise refuse("the file is saved as UTF-16; save it as UTF-8")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise refuse(
            f"not UTF-8 text: byte 0x{raw[error.start]:02x} cannot be decoded; "
            "save the file as UTF-8",
            line,
        ) from error
    return parse_yaml(text)
