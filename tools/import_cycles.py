#!/usr/bin/env python3
"""Import cycles among a package's modules, read from the source (ast), nothing imported.

    python3 tools/import_cycles.py              # classroom/: prints each cycle, exit 1 if any
    python3 tools/import_cycles.py path/to/pkg

Data flows one way (docs/architecture.md), and a cycle is where it does not: two modules that
each need the other cannot be read, tested or moved apart. Imports inside functions count too
(they keep ``import classroom`` cheap, but the module still depends on what it imports there);
imports under ``if TYPE_CHECKING:`` do not (annotations only, never run). A module depends on
what it names: ``from pkg.mod import x`` on ``pkg.mod``, ``from pkg import x`` (``x`` not a
module) on ``pkg/__init__.py``. That Python runs ``pkg/__init__.py`` before ``pkg.mod`` is not
counted: a package's ``__init__`` re-exports its modules, and a module that imports a sibling
by its full path depends on that sibling, not on everything the package re-exports.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Container, Iterable, Iterator, Sequence
from pathlib import Path

__all__ = ["cycles", "import_graph"]


def _modules(root: Path) -> dict[str, tuple[Path, bool]]:
    """Each module's dotted name under ``root`` (a package): its file, and whether a package."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if package else parts)] = (path, package)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _deepest(dotted: str, modules: Container[str]) -> str | None:
    """The module ``dotted`` is, or is inside (``pkg.mod.name`` -> ``pkg.mod``); None outside."""
    while dotted and dotted not in modules:
        dotted = dotted.rpartition(".")[0]
    return dotted or None


def _targets(body: Iterable[ast.stmt], package: str, modules: Container[str]) -> Iterator[str]:
    """The modules the imports of ``body`` need, at any depth but under TYPE_CHECKING."""
    for node in body:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from _targets(node.orelse, package, modules)
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # ``from pkg import mod`` needs the module; ``from pkg import x`` needs pkg itself.
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            names = []
        for name in names:
            target = _deepest(name, modules)
            if target is not None:
                yield target
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.ExceptHandler, ast.match_case)):
                yield from _targets(child.body, package, modules)
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(node, field, None)
            if isinstance(inner, list):
                yield from _targets(
                    [item for item in inner if isinstance(item, ast.stmt)], package, modules
                )


def import_graph(root: Path) -> dict[str, set[str]]:
    """For each module under ``root``, the modules under ``root`` it imports."""
    modules = _modules(root)
    graph: dict[str, set[str]] = {}
    for name, (path, is_package) in modules.items():
        package = name if is_package else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = set(_targets(tree.body, package, modules)) - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The graph's strongly connected parts of two or more modules (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph.get(node, ())):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            part: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                part.append(member)
                if member == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph) + 100))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "package", nargs="?", type=Path, default=Path(__file__).parent.parent / "classroom"
    )
    arguments = parser.parse_args(argv)
    graph = import_graph(arguments.package)
    found = cycles(graph)
    for part in found:
        inside = {name: sorted(graph[name] & set(part)) for name in part}
        print(f"cycle of {len(part)} modules:")
        for name, targets in inside.items():
            print(f"  {name} -> {', '.join(targets)}")
    if not found:
        print(f"no import cycle among {len(graph)} modules of {arguments.package.name}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
