"""Connect: ticking "Keep the password" names the store on one line (the kernel keyring
over plain SSH), and a keyring that cannot be used is explained under the box, never
in a toast over the form."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Checkbox

from tests.tui.conftest import (
    FailKeyring,
    make_services,
    next_step,
    screen_text,
    step_of,
    text_of,
    wait_for,
)
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.store.kernel_keyring import KernelKeyring, unusable
from trunkwiz.store.secrets import pbx_key
from trunkwiz.tui.app import TrunkWizApp


async def test_ticking_keep_names_the_kernel_keyring_on_one_line(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    if unusable() is not None:
        pytest.skip(f"no kernel keyring here: {unusable()}")
    # The store trunkwiz picks over plain SSH; the key names this sandbox's own URL.
    services = make_services(sandbox.url, tmp_path, KernelKeyring())
    store = services.secrets
    app = TrunkWizApp(services)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: bool(app.screen.query("#keep_password")))
            app.screen.query_one("#keep_password", Checkbox).value = True
            await wait_for(pilot, lambda: bool(app.screen.query("#keep_password-where")))
            line = text_of(pilot, "#keep_password-where")
            assert line.startswith("Password kept in the kernel keyring until reboot or ")
            assert line.endswith(" days unused.")
            assert any(row.strip() == line for row in screen_text(pilot).splitlines())
            assert len(app._notifications) == 0
            await next_step(pilot)
            assert step_of(pilot) == "kind"
        kept = store.get(pbx_key(sandbox.url, "admin"))
        assert kept is not None and kept.get_secret_value() == DEFAULT_ADMIN_PASSWORD
    finally:
        store.delete(pbx_key(sandbox.url, "admin"))


async def test_unusable_keyring_is_said_under_the_box_not_in_a_toast(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    services = make_services(sandbox.url, tmp_path, FailKeyring())
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query("#keep_password")))
        app.screen.query_one("#keep_password", Checkbox).value = True
        await wait_for(pilot, lambda: "no usable keyring" in _error(pilot))
        await next_step(pilot)
        assert step_of(pilot) == "connect"
        assert "Press Next to go on without it" in _error(pilot)
        assert len(app._notifications) == 0, "no toast over the form"
        rows = screen_text(pilot).splitlines()
        assert any("Press Next to go on without it" in row for row in rows), "fits 80x24"


def _error(pilot: object) -> str:
    try:
        return text_of(pilot, "#keep_password-error")  # type: ignore[arg-type]
    except Exception:
        return ""


async def test_trunk_password_not_kept_is_said_under_the_result_not_in_a_toast(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    from textual.widgets import SelectionList

    from tests.tui.conftest import fill, settle, submit, tenant_ids

    services = make_services(sandbox.url, tmp_path, FailKeyring())
    (tid, _), *_ = tenant_ids(sandbox, 1)
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await next_step(pilot)  # connect (pre-filled, not kept)
        await next_step(pilot)  # kind: Register-Based
        await fill(pilot, "#name", "kept-nowhere")
        await fill(pilot, "#hostname", "sip.kept-nowhere.test")
        await next_step(pilot)
        await fill(pilot, "#auth_id", "acct")
        await fill(pilot, "#password", "trunk-secret-pw")
        await next_step(pilot)
        await next_step(pilot)
        assert step_of(pilot) == "tenants"
        app.screen.query_one("#tenant-list", SelectionList).select(tid)
        await settle(pilot)
        row = app.screen.rows()[0]  # type: ignore[attr-defined]
        await fill(pilot, f"#tenant-{row.number}-did_numbers", "15557000000-15557000099")
        await next_step(pilot)
        await next_step(pilot)  # routes: later
        assert step_of(pilot) == "review"
        await submit(pilot)
        result = text_of(pilot, "#progress-line")
        assert result.startswith("Done: ")
        assert "The trunk password was not kept: secret store unavailable" in result
        assert "trunk-secret-pw" not in result
        assert len(app._notifications) == 0, "no toast over the screen"


async def test_the_demo_keeps_passwords_in_memory_only() -> None:
    """The demo's sandbox and config dir are temporary; its passwords must not land in the
    user's keyring (the kernel keyring over SSH) where they would outlive it."""
    from trunkwiz.cli import make_app

    app = make_app(["demo"])
    assert isinstance(app, TrunkWizApp)
    try:
        store = app.services.secrets
        store.set("trunk:http://127.0.0.1:1:demo", "demo-pw")
        assert store.where == "memory only (the demo forgets it when it ends)"
        assert store.backend_name == "trunkwiz.store.memory.MemoryKeyring"
        if unusable() is None:
            assert KernelKeyring().get_password("trunkwiz", "trunk:http://127.0.0.1:1:demo") is None
    finally:
        await app.services.shutdown()
