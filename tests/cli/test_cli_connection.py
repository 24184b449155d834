"""Connection handling: profiles, TLS trust (pin, untrusted, insecure), help texts, and
a scan that no password reaches any output or file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import IP_TRUNK, REGISTER_TRUNK, SIP_PASSWORD, Cli, admin_stdin
from trunkwiz.cli.parser import COMMANDS, build_parser
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.store.profiles import Profile, ProfileStore


@pytest.fixture
def tls_sandbox() -> Iterator[SandboxServer]:
    server = SandboxServer(tenants=5, tls=True).start()
    try:
        yield server
    finally:
        server.stop()


def test_untrusted_certificate_shows_its_fingerprint_and_how_to_trust_it(
    cli: Cli, tls_sandbox: SandboxServer
) -> None:
    r = cli("--pbx", tls_sandbox.url, "status", "--password-stdin", stdin=admin_stdin())
    assert r.code == 1
    assert tls_sandbox.fingerprint is not None
    assert f"SHA-256 fingerprint: {tls_sandbox.fingerprint}" in r.err
    assert "--pin <fingerprint>" in r.err and "openssl s_client" in r.err


def test_pin_trusts_the_certificate(cli: Cli, tls_sandbox: SandboxServer) -> None:
    pin = str(tls_sandbox.fingerprint).replace(":", "").lower()
    r = cli(
        "--pbx", tls_sandbox.url, "status", "--pin", pin, "--password-stdin", stdin=admin_stdin()
    )
    assert r.code == 0, r.err
    assert "No trunks." in r.out
    wrong = cli(
        "--pbx",
        tls_sandbox.url,
        "status",
        "--pin",
        "AB" * 32,
        "--password-stdin",
        stdin=admin_stdin(),
    )
    assert wrong.code == 1 and "certificate changed" in wrong.err
    bad = cli("--pbx", tls_sandbox.url, "status", "--pin", "xyz", stdin=admin_stdin())
    assert bad.code == 2 and "--pin" in bad.err


def test_insecure_warns_loudly(cli: Cli, tls_sandbox: SandboxServer) -> None:
    r = cli(
        "--pbx", tls_sandbox.url, "--insecure", "status", "--password-stdin", stdin=admin_stdin()
    )
    assert r.code == 0, r.err
    assert "WARNING: --insecure" in r.err


def test_profile_gives_url_user_and_pin(
    cli: Cli, tls_sandbox: SandboxServer, tmp_path: Path
) -> None:
    store = ProfileStore(tmp_path / "config")
    store.save(
        Profile(
            name="lab", url=tls_sandbox.url, user="admin", pinned_sha256=tls_sandbox.fingerprint
        )
    )
    r = cli("status", "--json", "--password-stdin", stdin=admin_stdin())
    assert r.code == 0, r.err
    assert r.out.strip() == "[]"
    named = cli("--profile", "lab", "status", "--password-stdin", stdin=admin_stdin())
    assert named.code == 0, named.err
    missing = cli("--profile", "nope", "status", "--password-stdin", stdin=admin_stdin())
    assert missing.code == 2 and "no profile named 'nope'" in missing.err and "lab" in missing.err


def test_every_command_has_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    parser = build_parser()
    for command in ("apply", "export", "status", "secret", "probe"):
        assert command in COMMANDS
        with pytest.raises(SystemExit) as done:
            parser.parse_args([command, "--help"])
        assert done.value.code == 0
        text = capsys.readouterr().out
        assert "examples:" in text and f"trunkwiz {command}" in text, command
        assert "exit status" in text, command
    with pytest.raises(SystemExit):
        parser.parse_args(["apply", "--help"])
    assert "NAME<TAB>PASSWORD" in capsys.readouterr().out


def test_no_password_in_any_output_or_written_file(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path, outputs: list[str]
) -> None:
    file = tmp_path / "trunks.toml"
    file.write_text(REGISTER_TRUNK + IP_TRUNK)
    runs = [
        cli(
            "--pbx",
            sandbox.url,
            "apply",
            str(file),
            "--json",
            "--password-stdin",
            stdin=admin_stdin(("Acme SIP", SIP_PASSWORD)),
        ),
        cli(
            "--pbx",
            sandbox.url,
            "export",
            "-o",
            str(tmp_path / "out.toml"),
            "--password-stdin",
            stdin=admin_stdin(),
        ),
        cli("--pbx", sandbox.url, "status", "--json", "--password-stdin", stdin=admin_stdin()),
        cli(
            "--pbx",
            sandbox.url,
            "apply",
            str(tmp_path / "out.toml"),
            "--update-passwords",
            "--dry-run",
            "--password-stdin",
            stdin=admin_stdin(("Acme SIP", SIP_PASSWORD)),
        ),
    ]
    assert [r.code for r in runs] == [0, 0, 0, 0], [r.err for r in runs]
    assert "Password: changed" in runs[3].out
    # The secrets really flowed: the PBX holds the SIP password, the admin signed in.
    assert any(t.password == SIP_PASSWORD for t in sandbox.state.trunks.values())
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) >= 2
    for text in [r.text for r in runs] + [p.read_text() for p in written]:
        assert SIP_PASSWORD not in text and DEFAULT_ADMIN_PASSWORD not in text
