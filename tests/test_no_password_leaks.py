"""No password in anything the product writes or shows.

A wizard run (Pilot, against a sandbox whose admin password is unique to this test, with an
in-memory keyring) and the command-line twins (``secret``, ``apply``, ``status``,
``export``) use distinctive passwords; afterwards every file they could have written is
scanned: the configuration directory (profile, draft), a DEBUG log of every logger, what
the commands printed, an SVG of every wizard step, plus the committed snapshots
(``tests/tui/__snapshots__``) and screenshots (``screenshots/``) for the passwords their
runs used. A password counts as leaked in plain text, URL-encoded or base64-encoded.
The scanner itself is tested on a planted leak, so a silent scan cannot pass.
"""

from __future__ import annotations

import asyncio
import base64
import html
import importlib.util
import io
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from textual.widgets import Checkbox, SelectionList

from tests.tui.conftest import MemoryKeyring, fill, make_services, next_step, settle, submit
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.services import ConnectDefaults
from trunkwiz.tui.app import TrunkWizApp

REPO = Path(__file__).resolve().parent.parent
ADMIN_PASSWORD = "Adm1n-leakcheck-7Qv"
TRUNK_PASSWORD = "Trunk-leakcheck-K2x"
CLI_TRUNK_PASSWORD = "Cli-leakcheck-W9z"
RUN_PASSWORDS = (ADMIN_PASSWORD, TRUNK_PASSWORD, CLI_TRUNK_PASSWORD)


def forms(secret: str) -> set[str]:
    """How a password could show up in a file: as is, URL-encoded, base64."""
    raw = secret.encode()
    return {secret, quote(secret, safe=""), base64.b64encode(raw).decode().rstrip("=")}


def find_leaks(paths: Iterable[Path], secrets: Iterable[str]) -> list[tuple[Path, str]]:
    """``(file, secret)`` for every file under ``paths`` that contains a secret."""
    wanted = {form: secret for secret in secrets for form in forms(secret)}
    leaks = []
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            text = path.read_bytes().decode("utf-8", "replace")
            text += "\n" + html.unescape(text)  # SVG text is HTML-escaped
            leaks += [(path, secret) for form, secret in wanted.items() if form in text]
    return leaks


def files_under(paths: Iterable[Path]) -> list[Path]:
    return [p for root in paths for p in ([root] if root.is_file() else root.rglob("*"))]


def snapshot_passwords() -> set[str]:
    """The passwords the snapshot tests and the screenshot script type or pre-fill."""
    from tests.tui import test_tui_snapshots as snaps

    spec = importlib.util.spec_from_file_location("screenshots", REPO / "scripts/screenshots.py")
    assert spec is not None and spec.loader is not None
    shots = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shots)
    used = {snaps.CARRIER_PASSWORD, "not-the-password", "not-the-carrier-pw", "s3cret-trunk-pw"}
    return used | set(shots.PASSWORDS) | {DEFAULT_ADMIN_PASSWORD}


# -- the scanner catches a planted leak ---------------------------------------------------
ENCODINGS: dict[str, Callable[[str], str]] = {
    "plain": lambda s: s,
    "url": lambda s: quote(s, safe=""),
    "base64": lambda s: base64.b64encode(s.encode()).decode(),
}


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_the_scan_finds_a_planted_password(tmp_path: Path, encoding: str) -> None:
    secret = "Planted-pw/with+chars"
    shown = ENCODINGS[encoding](secret)
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "clean.toml").write_text("user = 'admin'\n")
    leaky = tmp_path / "deep" / "er" / "shot.svg"
    leaky.write_text(f"<text>password&#160;{shown}</text>")
    assert find_leaks([tmp_path], [secret]) == [(leaky, secret)]
    assert find_leaks([tmp_path], ["another-password"]) == []


# -- a wizard run and the command-line twins --------------------------------------------
@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """Every logger at DEBUG into one file for the duration of the test."""
    path = tmp_path / "logs" / "debug.log"
    path.parent.mkdir()
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield path
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        handler.close()


@pytest.fixture
def leak_sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(tenants=20, admin_password=ADMIN_PASSWORD).start()
    try:
        yield server
    finally:
        server.stop()


def typed_in(sandbox: SandboxServer) -> ConnectDefaults:
    """The Connect step pre-filled with the URL and user only: the password is typed."""
    return ConnectDefaults(url=sandbox.url, user="admin")


async def run_wizard(
    sandbox: SandboxServer, config: Path, keyring: MemoryKeyring, shots: Path
) -> None:
    """Type the admin password, keep it, create a shared trunk with a SIP password."""
    services = make_services(sandbox.url, config, keyring, defaults=typed_in(sandbox))
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:

        async def shot(name: str) -> None:
            await settle(pilot)
            (shots / f"{name}.svg").write_text(app.export_screenshot(), encoding="utf-8")

        await settle(pilot)
        await fill(pilot, "#pbx_password", ADMIN_PASSWORD)
        app.screen.query_one("#keep_password", Checkbox).value = True
        await shot("connect")
        await next_step(pilot)
        await shot("kind")
        await next_step(pilot)
        await fill(pilot, "#name", "leak-check")
        await fill(pilot, "#hostname", "sip.leak-check.test")
        await next_step(pilot)
        await fill(pilot, "#auth_id", "leak-acct")
        await fill(pilot, "#password", TRUNK_PASSWORD)
        await shot("credentials")
        await next_step(pilot)
        await next_step(pilot)
        listing = app.screen.query_one("#tenant-list", SelectionList)
        listing.select(listing.get_option_at_index(0).value)
        await settle(pilot)
        await fill(pilot, "#tenant-0-did_numbers", "15557770000-15557770099")
        await shot("tenants")
        await next_step(pilot)
        await next_step(pilot)  # routes: later
        await shot("review")
        await submit(pilot)
        await shot("submitted")


async def leave_a_draft(sandbox: SandboxServer, config: Path, keyring: MemoryKeyring) -> None:
    """Sign in with the kept password, fill Credentials, go on: the draft stays saved."""
    services = make_services(sandbox.url, config, keyring, defaults=typed_in(sandbox))
    app = TrunkWizApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await next_step(pilot)  # the password came from the keyring
        await next_step(pilot)
        await fill(pilot, "#name", "leak-draft")
        await fill(pilot, "#hostname", "sip.leak-draft.test")
        await next_step(pilot)
        await fill(pilot, "#auth_id", "draft-acct")
        await fill(pilot, "#password", TRUNK_PASSWORD)
        await next_step(pilot)
        assert getattr(app.screen, "STEP", "") == "options"
    assert services.drafts.exists()


def run_cli(argv: list[str], stdin: str, out: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """``trunkwiz *argv`` in-process; what it prints goes to ``out``."""
    from trunkwiz.cli import main

    printed = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    monkeypatch.setattr(sys, "stdout", printed)
    monkeypatch.setattr(sys, "stderr", printed)
    try:
        code = main(argv)
    finally:
        monkeypatch.undo()
    out.write_text(printed.getvalue(), encoding="utf-8")
    return code


def test_no_password_in_config_logs_outputs_or_screens(
    tmp_path: Path,
    leak_sandbox: SandboxServer,
    debug_log: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config, shots, outputs = tmp_path / "config", tmp_path / "shots", tmp_path / "outputs"
    shots.mkdir()
    outputs.mkdir()
    keyring = MemoryKeyring()
    asyncio.run(run_wizard(leak_sandbox, config, keyring, shots))
    asyncio.run(leave_a_draft(leak_sandbox, config, keyring))
    # The passwords were really used: the PBX holds the trunk's, the keyring both.
    assert [t.password for t in leak_sandbox.state.trunks.values()] == [TRUNK_PASSWORD]
    assert set(keyring.items.values()) == {ADMIN_PASSWORD, TRUNK_PASSWORD}

    from tests.cli.fake_keyring import MemoryKeyring as CliKeyring
    from trunkwiz.cli import passwords
    from trunkwiz.store.secrets import SecretStore

    cli_keyring = CliKeyring()
    trunk_file = tmp_path / "cli-trunk.toml"
    trunk_file.write_text(
        '[[trunk]]\nname = "leak-cli"\nkind = "register"\n'
        'hostname = "sip.leak-cli.test"\nauth_id = "cli-acct"\n'
    )
    base = ["--config", str(config), "--pbx", leak_sandbox.url, "--user", "admin"]
    runs = [
        (["secret", "set", "pbx", "admin"], ADMIN_PASSWORD + "\n"),
        (["apply", str(trunk_file), "--password-stdin"], f"leak-cli\t{CLI_TRUNK_PASSWORD}\n"),
        (["status"], ""),
        (["export", "-o", str(outputs / "exported.toml")], ""),
    ]
    for n, (argv, stdin) in enumerate(runs):
        with monkeypatch.context() as patch:
            patch.setattr(passwords, "open_secret_store", lambda: SecretStore(backend=cli_keyring))
            if argv[0] == "apply":
                stdin = ADMIN_PASSWORD + "\n" + stdin  # the admin password first, then trunks
            code = run_cli(base + argv, stdin, outputs / f"{n}-{argv[0]}.txt", patch)
        assert code == 0, (outputs / f"{n}-{argv[0]}.txt").read_text()
    assert any(t.password == CLI_TRUNK_PASSWORD for t in leak_sandbox.state.trunks.values())

    scanned = [config, debug_log, outputs, shots]
    names = {p.name for p in files_under(scanned)}
    assert {"debug.log", "exported.toml", "connect.svg", "review.svg"} <= names
    assert any(p.suffix == ".toml" for p in files_under([config]))  # profile and draft
    assert debug_log.stat().st_size > 0
    assert find_leaks(scanned, RUN_PASSWORDS) == []


def test_no_password_in_committed_snapshots_and_screenshots() -> None:
    snapshots = REPO / "tests" / "tui" / "__snapshots__"
    svgs = list(snapshots.rglob("*.svg"))
    assert len(svgs) >= 14, "the wizard's snapshots are missing"
    places = [snapshots]
    screenshots = REPO / "screenshots"
    if any(screenshots.glob("*.svg")):  # generated by `make screenshots`
        places.append(screenshots)
    assert find_leaks(places, snapshot_passwords() | set(RUN_PASSWORDS)) == []
