"""The real wizard on a pseudo-terminal with a saved draft of the wrong shape: it starts
at Connect as if no draft was saved, the draft is moved aside, and once the terminal is
back one line says where (Textual swallows stderr while it draws)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tui.ptyrun import PtyApp
from trunkwiz.sandbox.server import SandboxServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A configuration directory whose draft has a tenant without ``tenant_id``."""
    drafts = tmp_path / "config" / "drafts"
    drafts.mkdir(parents=True, mode=0o700)
    (tmp_path / "config").chmod(0o700)
    draft = drafts / "default.toml"
    draft.write_text(
        'saved_at = 2026-12-01T10:00:00Z\nstep = "tenants"\ntenants = [{ name = "acme" }]\n'
    )
    draft.chmod(0o600)
    return tmp_path / "config"


@pytest.fixture
def wizard(sandbox: SandboxServer, config: Path) -> Iterator[PtyApp]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUNKWIZ_", "TEXTUAL"))}
    env.pop("PYTHONUNBUFFERED", None)
    env.update(TERM="xterm-256color", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    app = PtyApp(["--pbx", sandbox.url, "--user", "admin", "--config", str(config)], env, ROOT)
    try:
        yield app
    finally:
        app.close()


def test_the_wizard_starts_past_a_draft_of_the_wrong_shape(wizard: PtyApp, config: Path) -> None:
    wizard.wait_for("Sign in to the PBX")
    draft = config / "drafts" / "default.toml"
    deadline = time.monotonic() + 20
    while os.path.lexists(draft):  # the start looks for a draft in a worker thread
        assert time.monotonic() < deadline, "the draft was never looked at"
        assert wizard.proc.poll() is None, wizard.text()[-800:]
        time.sleep(0.01)
    wizard.send("ctrl+c")
    assert wizard.wait() == 130
    wizard._reader.join(10)  # everything written before the terminal closed
    text = wizard.text()
    assert "Traceback" not in text and "KeyError" not in text
    assert "Resume" not in text, "nothing to offer"
    (moved,) = (config / "drafts").glob("default.toml.bad-*")
    assert "tenants = [{ name" in moved.read_text()
    line = f"trunkwiz: the saved draft {draft} cannot be used ("
    assert text.count(line) == 1, text[-800:]
    assert f"moved it to {moved}, going on without it" in " ".join(text.split())
