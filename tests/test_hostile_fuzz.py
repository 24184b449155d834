"""Fuzz: arbitrary text, control characters and markup included, as every PBX string the
app displays (trunk name, brand, host, tenant name and domain, status, error message),
through the CLI and the wizard against a real sandbox: no crash, no traceback, no raw
control character in the output (issue 11, item 1)."""

from __future__ import annotations

import asyncio
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from textual.widgets import OptionList, SelectionList, Static

from tests.cli.fake_keyring import MemoryKeyring as CliKeyring
from tests.support.hostile import hostile_sandbox, raw_controls
from tests.tui.conftest import make_services, screen_text, settle, wait_for
from trunkwiz.cli import main, passwords
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.store.secrets import SecretStore
from trunkwiz.tui.app import TrunkWizApp

PIECES = ["[", "]", "[/", "[b]", "[/b]", "[/EU]", "[@click=app.quit]", "\\", "\x1b]0;T\x07",
          "\x1b[2K", "\x1b[1A", "\x07", "\x00", "\x7f", "\x9b", "\x85", "\u202e", "\u2028",
          "\n", "\r", "\t", "é", "東", "x", " "]  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=24).filter(lambda s: s.strip() != ""),
    st.lists(st.sampled_from(PIECES), min_size=1, max_size=10).map("".join),
)
FIELDS = st.fixed_dictionaries(
    {
        "name": TEXT,
        "brand": TEXT,
        "hostname": TEXT,
        "tenant_name": TEXT,
        "tenant_domain": TEXT,
        "status": TEXT,
        "error": st.one_of(st.none(), TEXT),
    }
)


@pytest.fixture(scope="module")
def pbx() -> Iterator[tuple[SandboxServer, dict[str, tuple[int, Any]]]]:
    answers: dict[str, tuple[int, Any]] = {}  # changed per example; read per request
    server = hostile_sandbox(answers=answers)
    try:
        yield server, answers
    finally:
        server.stop()


def _plant(server: SandboxServer, answers: dict[str, tuple[int, Any]], f: dict[str, Any]) -> None:
    with server.state.lock:
        record = next(iter(server.state.trunks.values()))
        record.data.update(name=f["name"], brand=f["brand"], hostname=f["hostname"])
        tenant = next(iter(server.state.tenants.values()))
        tenant.update(name=f["tenant_name"], domain=f["tenant_domain"])
    answers.clear()
    answers["/status"] = (200, {"status": f["status"]})
    if f["error"] is not None:  # the PBX refuses the sign-in with this message
        body = {"errors": [{"code": "UNAUTHORIZED", "message": f["error"]}]}
        answers["/auth/sign_in"] = (401, body)


@settings(
    max_examples=20,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(fields=FIELDS)
def test_cli_shows_any_pbx_text_safely(
    pbx: tuple[SandboxServer, dict[str, tuple[int, Any]]],
    fields: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    server, answers = pbx
    _plant(server, answers, fields)
    backend = CliKeyring()
    monkeypatch.setattr(passwords, "open_secret_store", lambda: SecretStore(backend=backend))
    commands = [["status"]] if fields["error"] else [["status"], ["status", "--json"], ["export"]]
    for argv in commands:
        monkeypatch.setattr(sys, "stdin", io.StringIO(DEFAULT_ADMIN_PASSWORD + "\n"))
        code = main(
            ["--config", str(tmp_path / "c"), "--pbx", server.url, *argv, "--password-stdin"]
        )
        out, err = capsys.readouterr()
        assert code in (0, 1), (argv, err)
        assert "Traceback" not in err
        assert raw_controls(out + err) == [], (argv, out, err)


@settings(
    max_examples=6,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(fields=FIELDS)
def test_wizard_shows_any_pbx_text_safely(
    pbx: tuple[SandboxServer, dict[str, tuple[int, Any]]],
    fields: dict[str, Any],
    tmp_path: Path,
) -> None:
    server, answers = pbx
    _plant(server, answers, fields)
    asyncio.run(_refused(server, tmp_path) if fields["error"] else _wizard(server, tmp_path))


async def _refused(server: SandboxServer, tmp_path: Path) -> None:
    from tests.tui.conftest import MemoryKeyring, fill, next_step

    app = TrunkWizApp(make_services(server.url, tmp_path / "r", MemoryKeyring()))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await fill(pilot, "#pbx_password", "whatever")
        await next_step(pilot)
        assert raw_controls(screen_text(pilot)) == []


async def _wizard(server: SandboxServer, tmp_path: Path) -> None:
    from tests.tui.conftest import MemoryKeyring

    services = make_services(server.url, tmp_path / "w", MemoryKeyring())
    await services.connect(server.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
    try:
        draft = WizardDraft(url="x", user="admin", level="system")
        app = TrunkWizApp(services, start="kind", draft=draft)
        async with app.run_test(size=(100, 30)) as pilot:
            listing = app.screen.query_one("#trunks", OptionList)
            await wait_for(
                pilot,
                lambda: (
                    (listing.option_count > 0 and listing.get_option_at_index(0).id is not None)
                    or bool(app.screen.query("#trunks-error.-shown"))
                    or "Could not" in str(listing.get_option_at_index(0).prompt)
                ),
            )
            assert raw_controls(screen_text(pilot)) == []
        fields = {"name": "fuzz", "hostname": "203.0.113.10"}
        draft = WizardDraft(url="x", user="admin", kind="ip", level="system", fields=fields)
        await services.close()
        await services.connect(server.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        app = TrunkWizApp(services, start="tenants", draft=draft)
        async with app.run_test(size=(100, 30)) as pilot:
            tenants = app.screen.query_one("#tenant-list", SelectionList)
            info = app.screen.query_one("#pools-info", Static)
            await wait_for(pilot, lambda: "Loading" not in str(info.visual))
            assert tenants.option_count > 0, str(info.visual)
            tenants.select(next(iter(server.state.tenants)))
            await settle(pilot)
            assert raw_controls(screen_text(pilot)) == []
    finally:
        await services.close()
