"""The core layers never pull in Textual (and the pure ones no httpx) at import time."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import importlib, json, sys
for m in {modules!r}:
    importlib.import_module(m)
print(json.dumps(sorted(k for k in sys.modules if k.split('.')[0] in ('textual', 'httpx'))))
"""


def loaded_by(*modules: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(modules=list(modules))],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def test_pure_core_loads_neither_textual_nor_httpx() -> None:
    assert loaded_by("trunkwiz.domain.didpool", "trunkwiz.domain", "trunkwiz.store") == []


@pytest.mark.parametrize("package", ["trunkwiz.pbx", "trunkwiz.sip", "trunkwiz.sandbox"])
def test_service_layers_never_load_textual(package: str) -> None:
    import importlib
    import pkgutil

    pkg = importlib.import_module(package)
    modules = [package] + [
        f"{package}.{m.name}"
        for m in pkgutil.iter_modules(pkg.__path__)
        if not m.name.startswith("_")
    ]
    assert [m for m in loaded_by(*modules) if m.startswith("textual")] == []


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` of every import statement in ``path`` (also inside functions
    and ``TYPE_CHECKING`` blocks)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
    return found


#: What each front-end layer may not import: they reach the PBX, SIP and the stores only
#: through ``trunkwiz.service``.
FORBIDDEN = {
    "trunkwiz/tui": ("trunkwiz.pbx", "trunkwiz.sip", "trunkwiz.store"),
    "trunkwiz/service": ("trunkwiz.tui", "trunkwiz.cli", "textual"),
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_only_what_they_may(layer: str) -> None:
    root = Path(__file__).resolve().parent.parent
    bad = [
        f"{path.relative_to(root)}:{line}: {module}"
        for path in sorted((root / layer).rglob("*.py"))
        for line, module in imported_modules(path)
        if any(module == f or module.startswith(f + ".") for f in FORBIDDEN[layer])
    ]
    assert bad == []


def test_the_import_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    planted = tmp_path / "screen.py"
    planted.write_text(
        "def f():\n    from trunkwiz.pbx.errors import PbxError\n    import trunkwiz.sip\n"
    )
    assert imported_modules(planted) == [(2, "trunkwiz.pbx.errors"), (3, "trunkwiz.sip")]


# The import graph: every import statement of every module under ``trunkwiz/`` (top level,
# inside functions, under ``if TYPE_CHECKING:``), resolved to the project's modules.
#
# ``from pkg import name`` is an import of the module ``pkg.name`` when there is one, else
# of ``pkg`` (its ``__init__``). A module that imports names from its own package's
# ``__init__`` is an edge like any other: allowed, unless that ``__init__`` imports the
# module back (even under ``TYPE_CHECKING``), which is then reported as a cycle. The
# implicit import of a package's ``__init__`` that Python makes before any submodule is
# not an edge (an ``__init__`` that re-exports its submodules is no cycle).
#
# Floors: a module belongs to the package right under ``trunkwiz`` (``trunkwiz.pbx.core``
# -> ``pbx``); the top-level modules are floors of their own (``compat``, ``streams``,
# ``trunkwiz`` for ``trunkwiz/__init__.py``, ``__main__``).

SOURCE = Path(__file__).resolve().parent.parent / "trunkwiz"

#: Floors every other floor may import: ``trunkwiz`` (``__version__``) and ``compat``
#: (standard-library back-ports), which import nothing of the project.
BASE = frozenset({"trunkwiz", "compat"})

#: Which floor may import which (besides itself and ``BASE``), after DESIGN.md's "Layers"
#: and docs/internals.md: domain at the bottom; store, sip and pbx over domain; service
#: over them; the TUI over service only; the command line on top, the one place that wires
#: everything together (it starts the sandbox and the TUI); ``__main__`` runs the command
#: line. The sandbox sits beside: it uses domain and sip, and no core floor imports it.
#: An import a floor's row does not list points up (or sideways) and fails the test.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "trunkwiz": frozenset(),
    "compat": frozenset(),
    "streams": frozenset(),
    "domain": frozenset(),
    "store": frozenset({"domain"}),
    "sip": frozenset({"domain"}),
    "pbx": frozenset({"domain"}),
    "sandbox": frozenset({"domain", "sip"}),
    "service": frozenset({"domain", "store", "sip", "pbx"}),
    "tui": frozenset({"domain", "service", "streams"}),
    "cli": frozenset({"domain", "store", "sip", "pbx", "service", "tui", "sandbox", "streams"}),
    "__main__": frozenset({"cli"}),
}

#: Cycles tolerated for a while, each as the set of its modules (none today: keep it so); an
#: entry whose cycle is gone fails the test too, so the list only shrinks.
KNOWN_CYCLES: set[frozenset[str]] = set()


def module_name(path: Path, source: Path) -> str:
    """``trunkwiz.pbx.core`` for ``<source>/pbx/core.py``; a package is its ``__init__``."""
    parts = [source.name, *path.relative_to(source).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(source: Path = SOURCE) -> dict[str, dict[str, int]]:
    """``{module: {imported project module: line of its first import}}`` for every module
    under ``source`` (a package directory)."""
    paths = {module_name(p, source): p for p in sorted(source.rglob("*.py"))}
    graph: dict[str, dict[str, int]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: dict[str, int] = {}
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:  # relative: ``.`` is this module's package
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.append(full if full in paths else base)
            for target in targets:
                # ``import trunkwiz.pbx.core`` names a module; keep the longest known prefix
                while target not in paths and "." in target:
                    target = target.rpartition(".")[0]
                if target in paths and target != name:
                    edges[target] = min(edges.get(target, node.lineno), node.lineno)
        graph[name] = edges
    return graph


def knots(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected parts of ``graph`` with more than one module (Tarjan's
    algorithm, without recursion), each sorted, in order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, todo = work[-1]
            nxt = next(todo, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                part = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.append(member)
                    if member == node:
                        break
                if len(part) > 1:
                    found.append(sorted(part))
    return sorted(found)


def chain(graph: dict[str, dict[str, int]], knot: list[str]) -> str:
    """A shortest cycle through the first module of ``knot``, as ``a:12 -> b:30 -> a``
    (each step names the line of the import it follows)."""
    first, members = knot[0], set(knot)
    came_from: dict[str, str] = {}
    queue = [first]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node]):
            if nxt == first:
                path = [node]
                while path[-1] != first:
                    path.append(came_from[path[-1]])
                path.reverse()
                steps = [
                    f"{a}:{graph[a][b]}" for a, b in zip(path, [*path[1:], first], strict=True)
                ]
                return " -> ".join([*steps, first])
            if nxt in members and nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    raise AssertionError(f"no cycle through {first}")  # a knot always has one


def cycle_report(graph: dict[str, dict[str, int]], known: set[frozenset[str]]) -> list[str]:
    """One line per cycle not in ``known``, and one per ``known`` entry that is gone."""
    found = knots(graph)
    lines = []
    for knot in found:
        if frozenset(knot) in known:
            continue
        line = chain(graph, knot)
        if len(knot) > line.count(" -> "):
            line += f"  (the same knot holds {', '.join(knot)})"
        lines.append(line)
    lines += [
        f"KNOWN_CYCLES lists {' <-> '.join(sorted(gone))}, which is gone: delete the entry"
        for gone in sorted(known - {frozenset(k) for k in found}, key=sorted)
    ]
    return lines


def floor_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def may_import(floor: str) -> frozenset[str]:
    """The floors ``floor``'s modules may import: its own, its row, and ``BASE`` (the base
    floors themselves import nothing of the project)."""
    return MAY_IMPORT[floor] | {floor} | (frozenset() if floor in BASE else BASE)


def upward_imports(graph: dict[str, dict[str, int]]) -> list[str]:
    """``importer:line -> imported (floor X may not import floor Y)`` for every import the
    ``MAY_IMPORT`` table does not allow, and every floor the table does not place."""
    bad = []
    for module, edges in sorted(graph.items()):
        floor = floor_of(module)
        if floor not in MAY_IMPORT:
            bad.append(f"{module} is on no floor: give {floor!r} a row in MAY_IMPORT")
            continue
        allowed = may_import(floor)
        bad += [
            f"{module}:{line} -> {target} ({floor} may not import {floor_of(target)})"
            for target, line in sorted(edges.items(), key=lambda e: e[1])
            if floor_of(target) not in allowed
        ]
    return bad


def test_no_import_cycles() -> None:
    report = cycle_report(import_graph(), KNOWN_CYCLES)
    assert not report, "import cycles:\n" + "\n".join(report)


def test_imports_point_down_the_floors() -> None:
    bad = upward_imports(import_graph())
    assert not bad, "imports that point up:\n" + "\n".join(bad)


def test_the_floors_themselves_have_no_cycle() -> None:
    floors = {f: dict.fromkeys(may_import(f) - {f}, 0) for f in MAY_IMPORT}
    assert all(target in floors for edges in floors.values() for target in edges)
    assert knots(floors) == []


def test_the_graph_sees_every_kind_of_import_and_names_the_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "trunkwiz"
    (pkg / "pbx").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "pbx" / "__init__.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .plan import Plan\n"
    )
    (pkg / "pbx" / "plan.py").write_text(
        "from trunkwiz.pbx import errors\n\n\ndef f():\n    from . import Thing\n"
    )
    (pkg / "pbx" / "errors.py").write_text("import trunkwiz.tui.app\n")
    (pkg / "tui").mkdir()
    (pkg / "tui" / "__init__.py").write_text("")
    (pkg / "tui" / "app.py").write_text("from trunkwiz.pbx.plan import Plan\n")
    graph = import_graph(pkg)
    assert graph["trunkwiz.pbx"] == {"trunkwiz.pbx.plan": 3}
    assert graph["trunkwiz.pbx.plan"] == {"trunkwiz.pbx.errors": 1, "trunkwiz.pbx": 5}
    assert cycle_report(graph, set()) == [
        "trunkwiz.pbx:3 -> trunkwiz.pbx.plan:5 -> trunkwiz.pbx"
        "  (the same knot holds trunkwiz.pbx, trunkwiz.pbx.errors, trunkwiz.pbx.plan,"
        " trunkwiz.tui.app)"
    ]
    known = {frozenset(knots(graph)[0]), frozenset({"trunkwiz.a", "trunkwiz.b"})}
    assert cycle_report(graph, known) == [
        "KNOWN_CYCLES lists trunkwiz.a <-> trunkwiz.b, which is gone: delete the entry"
    ]
    assert upward_imports(graph) == [
        "trunkwiz.pbx.errors:1 -> trunkwiz.tui.app (pbx may not import tui)",
        "trunkwiz.tui.app:1 -> trunkwiz.pbx.plan (tui may not import pbx)",
    ]
