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
