"""Start-up stays light and the layers stay apart (checked in fresh interpreters)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import importlib, json, sys
for m in {modules!r}:
    importlib.import_module(m)
print(json.dumps(sorted({{k.split('.')[0] for k in sys.modules}})))
"""


def top_level_packages_after(*modules: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(modules=list(modules))],
        check=True,
        capture_output=True,
        text=True,
    )
    return set(json.loads(out.stdout))


@pytest.mark.parametrize(
    "module",
    ["trunkwiz.service.services", "trunkwiz.service.connection", "trunkwiz.service.validate",
     "trunkwiz.service.draft", "trunkwiz.service.pools", "trunkwiz.tui.flow"],
)  # fmt: skip
def test_services_and_flow_never_load_textual(module: str) -> None:
    assert "textual" not in top_level_packages_after(module)


def test_cli_modules_load_only_the_standard_library() -> None:
    """The wizard's run module (its first frame) and the definitions every ``--help``
    builds from (the demo's and the wizard's among them) load no heavy library."""
    loaded = top_level_packages_after(
        "trunkwiz.cli.wizard", "trunkwiz.cli.args.wizard", "trunkwiz.cli.args.demo"
    )
    assert not loaded & {"textual", "httpx", "pydantic", "keyring", "uvicorn", "starlette"}


def test_the_app_module_does_not_load_httpx_or_pydantic_before_the_first_frame() -> None:
    loaded = top_level_packages_after("trunkwiz.tui.app", "trunkwiz.tui.screens.connect")
    assert "textual" in loaded
    assert not loaded & {"httpx", "pydantic", "keyring", "uvicorn"}
