"""``apply`` runs the wizard's checks before anything is sent, and ``delete`` undoes a
trunk: against the sandbox PBX over HTTP; the interrupted deletes in a child process with
real signals, ``PYTHONUNBUFFERED`` unset."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

from tests.cli.conftest import REPO, SIP_PASSWORD, Cli, Recorder, admin_stdin
from tests.cli.interrupts import WAIT, Lines, child, stop
from tests.tui.ptyrun import PtyApp
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer

FIRST = """\
[[trunk]]
name = "First"
kind = "ip"
hostname = "sip.shared.example"
[[trunk.tenants]]
tenant = "acme-001.sandbox.test"
did_numbers = "16468097066;16468097100-16468097199"
"""

SECOND = """\
[[trunk]]
name = "Second"
kind = "ip"
hostname = "SIP.shared.example"
[[trunk.tenants]]
tenant = "Bluebird Logistics 002"
did_numbers = "16468097050-16468097070"
"""

ROUTED = """\
[[trunk]]
name = "Routed"
kind = "ip"
hostname = "sip.routed.example"
[[trunk.tenants]]
tenant = "acme-001.sandbox.test"
did_numbers = "15551230000-15551230009"
[[trunk.tenants.inbound]]
name = "Front desk"
did_numbers = "15551230001"
forward_to = "1001"
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def names(sandbox: SandboxServer) -> set[str]:
    return {t.data["name"] for t in sandbox.state.trunks.values()}


def apply(cli: Cli, sandbox: SandboxServer, file: str, *more: str) -> tuple[int, str]:
    r = cli("--pbx", sandbox.url, "apply", file, "--password-stdin", *more, stdin=admin_stdin())
    return r.code, r.out + r.err


def test_a_pool_overlapping_another_trunks_on_the_host_is_refused_before_sending(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path, recorder: Recorder
) -> None:
    assert apply(cli, sandbox, write(tmp_path, "first.toml", FIRST))[0] == 0
    second = write(tmp_path, "second.toml", SECOND)
    for more in (("--dry-run",), ()):
        recorder.clear()
        code, text = apply(cli, sandbox, second, *more)
        assert code == 2, text
        assert "tenants[1].did_numbers" in text
        assert "16468097066 of trunk First / tenant Acme Dental 001" in text
        assert "nothing was sent" in text
        assert recorder.mutating() == []  # only reads (and the sign-in)
    assert names(sandbox) == {"First"}


def test_a_tenant_cap_above_the_trunks_is_refused(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path, recorder: Recorder
) -> None:
    text = FIRST.replace('hostname = "sip.shared.example"', 'hostname = "h"\nconcurrency = 50')
    text += "concurrency = 100000\n"
    for more in (("--dry-run",), ()):
        code, out = apply(cli, sandbox, write(tmp_path, "cap.toml", text), *more)
        assert code == 2, out
        assert "tenants[1].concurrency" in out and "above the trunk's own cap of 50" in out
    assert names(sandbox) == set()


def test_two_trunks_of_one_file_may_not_share_numbers_on_a_host(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    code, out = apply(cli, sandbox, write(tmp_path, "both.toml", FIRST + SECOND), "--dry-run")
    assert code == 2 and "trunk First (earlier in this file)" in out, out


def test_a_file_moving_numbers_between_its_trunks_is_checked_as_it_ends(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The file states the end result: First gives up 16468097066, Second takes it."""
    second = SECOND.replace('kind = "ip"', 'kind = "register"\nauth_id = "200300"')
    before = FIRST + second.replace("16468097050-16468097070", "16468097050-16468097060")
    stdin = admin_stdin(("Second", SIP_PASSWORD))
    base = ("--pbx", sandbox.url, "apply", "--password-stdin")
    done = cli(*base, write(tmp_path, "both.toml", before), stdin=stdin)
    assert done.code == 0, done.err
    moved = FIRST.replace("16468097066;", "16468097300;") + second
    r = cli(*base, write(tmp_path, "moved.toml", moved), "--dry-run", stdin=stdin)
    assert r.code == 0, r.err
    assert "16468097050-16468097070" in r.out
    swapped = FIRST + second  # First keeps 16468097066: Second may not take it
    r = cli(*base, write(tmp_path, "swapped.toml", swapped), "--dry-run", stdin=stdin)
    assert r.code == 2 and "trunk First (earlier in this file)" in r.err, r.err


def test_delete_shows_what_goes_then_deletes_with_yes(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    assert apply(cli, sandbox, write(tmp_path, "routed.toml", ROUTED))[0] == 0
    base = ("--pbx", sandbox.url, "delete", "Routed", "--password-stdin")
    dry = cli(*base, "--remove-rules", "--dry-run", stdin=admin_stdin())
    assert dry.code == 0, dry.err
    assert "Delete trunk Routed" in dry.out
    assert "removes inbound rule 'Front desk' of tenant Acme Dental 001" in dry.out
    assert "Dry run: nothing was sent." in dry.out
    refused = cli(*base, "--yes", "--json", stdin=admin_stdin())  # rules use it
    assert refused.code == 2 and "Add --remove-rules" in refused.err
    report = json.loads(refused.out)
    assert report["rules"] == ["inbound rule 'Front desk' of tenant Acme Dental 001"]
    assert report["deleted"] is False and "Add --remove-rules" in report["errors"][0]["message"]
    unconfirmed = cli(*base, "--remove-rules", stdin=admin_stdin())  # not a terminal
    assert unconfirmed.code == 2 and "add --yes" in unconfirmed.err
    typo = cli("--pbx", sandbox.url, "delete", "Rooted", "--password-stdin", stdin=admin_stdin())
    assert typo.code == 2 and "did you mean 'Routed'?" in typo.err
    assert names(sandbox) == {"Routed"} and sandbox.state.inbound_rules
    done = cli(*base, "--remove-rules", "--yes", stdin=admin_stdin())
    assert done.code == 0, done.err
    assert "Trunk Routed: deleted, with 1 rule(s) that used it." in done.out
    assert names(sandbox) == set() and not sandbox.state.inbound_rules


def delete_argv(sandbox: SandboxServer, tmp_path: Path, name: str, *more: str) -> list[str]:
    import sys

    return [
        sys.executable, "-m", "trunkwiz", "--config", str(tmp_path / "config"),
        "--pbx", sandbox.url, "delete", name, "--yes", "--password-stdin", *more,
    ]  # fmt: skip


def cut(
    sandbox: SandboxServer, argv: list[str], sig: signal.Signals, held: int, method: str
) -> tuple[int, str]:
    """Run ``argv``, hold its ``held``-th ``method`` call, send ``sig``, release."""
    sandbox.faults.hold_from(held, method=method)
    proc = child(argv, admin_stdin())
    try:
        assert proc.stdout is not None and proc.stderr is not None
        out, err = Lines(proc.stdout), Lines(proc.stderr)
        assert sandbox.faults.wait_held(1, timeout=WAIT), "the delete never reached the gate"
        proc.send_signal(sig)
        err.wait_for(sig.name)  # the run heard it (while the call is still held)
        sandbox.faults.release()
        code = proc.wait(timeout=WAIT)
        return code, err.rest() + out.rest()
    finally:
        sandbox.faults.reset()
        stop(proc)


def test_a_signal_before_the_delete_is_sent_deletes_nothing(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    assert apply(cli, sandbox, write(tmp_path, "first.toml", FIRST))[0] == 0
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        code, err = cut(sandbox, delete_argv(sandbox, tmp_path, "First"), sig, 1, "GET")
        assert code == 128 + sig, err
        assert f"{sig.name}: stopped; nothing was deleted." in err
        assert "Traceback" not in err
        assert names(sandbox) == {"First"}


def test_a_signal_after_rules_were_removed_stops_before_the_destroy_and_restores_them(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    assert apply(cli, sandbox, write(tmp_path, "routed.toml", ROUTED))[0] == 0
    argv = delete_argv(sandbox, tmp_path, "Routed", "--remove-rules")
    # POSTs: sign-in; the tenant session that reads the rules to show (sign-in, switch,
    # sign-out); the delete's tenant session (sign-in, switch, switch), then the rule's
    # destroy, the 8th, is held: the signal comes while the rule is being removed.
    code, err = cut(sandbox, argv, signal.SIGTERM, 8, "POST")
    assert code == 143, err
    assert "stopping before the trunk is deleted" in err
    assert "stopped by SIGTERM before the trunk was deleted" in err
    assert "removed rule(s) were restored" in err
    assert names(sandbox) == {"Routed"}
    assert [r.data["name"] for r in sandbox.state.inbound_rules.values()] == ["Front desk"]


def test_a_signal_once_the_delete_was_sent_reports_it_gone(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    unshared = '[[trunk]]\nname = "Alone"\nkind = "ip"\nhostname = "alone.example"\n'
    assert apply(cli, sandbox, write(tmp_path, "alone.toml", unshared))[0] == 0
    # POSTs: sign-in, then the destroy (no tenant: no rule to read).
    code, err = cut(sandbox, delete_argv(sandbox, tmp_path, "Alone"), signal.SIGHUP, 2, "POST")
    assert code == 129, err
    assert "the delete was sent" in err
    assert "the trunk was deleted before it arrived" in err
    assert names(sandbox) == set()


def on_terminal(sandbox: SandboxServer, tmp_path: Path, name: str) -> PtyApp:
    """``trunkwiz delete NAME`` on a pseudo-terminal, signed in by typing the password."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env.update(TERM="xterm-256color", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    argv = ["--config", str(tmp_path / "config"), "--pbx", sandbox.url, "delete", name]
    app = PtyApp(argv, env, REPO)
    app.wait_for("Password of admin", timeout=WAIT)
    app.send(DEFAULT_ADMIN_PASSWORD, "enter")
    app.wait_for("Type the trunk's name (Typed) to delete it:", timeout=WAIT)
    return app


def test_on_a_terminal_the_trunks_name_must_be_typed(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    typed = '[[trunk]]\nname = "Typed"\nkind = "ip"\nhostname = "typed.example"\n'
    assert apply(cli, sandbox, write(tmp_path, "typed.toml", typed))[0] == 0
    app = on_terminal(sandbox, tmp_path, "Typed")
    try:
        assert "Delete trunk Typed (IP_AUTH, host typed.example):" in app.text()
        app.send("typed", "enter")  # not the name as the PBX holds it
        assert app.wait(timeout=WAIT) == 2
        assert "does not match: nothing was deleted" in app.text()
    finally:
        app.close()
    assert names(sandbox) == {"Typed"}
    app = on_terminal(sandbox, tmp_path, "Typed")
    try:
        app.signal(signal.SIGINT)  # at the question: nothing was sent
        assert app.wait(timeout=WAIT) == 130
        assert "SIGINT: stopped; nothing was deleted." in app.text()
    finally:
        app.close()
    assert names(sandbox) == {"Typed"}
    app = on_terminal(sandbox, tmp_path, "Typed")
    try:
        app.send("Typed", "enter")
        assert app.wait(timeout=WAIT) == 0
        assert "Trunk Typed: deleted." in app.text()
    finally:
        app.close()
    assert names(sandbox) == set()
