"""The core layers never pull in Textual (and the pure ones no httpx) at import time."""

from __future__ import annotations

import json
import subprocess
import sys

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
