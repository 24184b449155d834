"""The command line's manners: a mistyped command or option is named with the closest
valid one and the usage of the command concerned; an option that would do nothing is
refused; a pool's every bad entry is reported at once. Run as a user runs them: a child
process, ``PYTHONUNBUFFERED`` unset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import IP_TRUNK, Cli, admin_stdin, run_subprocess
from tests.cli.interrupts import child_env
from trunkwiz.sandbox.server import SandboxServer


@pytest.mark.parametrize(
    ("argv", "named", "usage"),
    [
        (["apply", "acme.toml", "--dryrun"], "unknown option --dryrun (did you mean --dry-run?)",
         "usage: trunkwiz apply "),
        (["statsu"], "unknown command 'statsu' (did you mean status?)", "usage: trunkwiz status "),
        (["status", "--wach"], "unknown option --wach (did you mean --watch?)",
         "usage: trunkwiz status "),
        (["--pbxx", "https://pbx:8887", "status"], "unknown option --pbxx (did you mean --pbx?)",
         "usage: trunkwiz [-h]"),
        (["status", "--jsno=1"], "unknown option --jsno (did you mean --json?)",
         "usage: trunkwiz status "),
        (["status", "a", "b"], "unexpected argument 'b'", "usage: trunkwiz status "),
        (["man", "--pbx", "https://pbx:8887"], "--pbx has no effect on `trunkwiz man`",
         "usage: trunkwiz man "),
        (["--user", "root", "completion", "bash"], "--user has no effect on `trunkwiz completion`",
         "usage: trunkwiz completion "),
        (["status", "--interval", "5"], "--interval has no effect without --watch",
         "usage: trunkwiz status "),
        (["status", "--count=3"], "--count has no effect without --watch",
         "usage: trunkwiz status "),
        (["apply", "x.toml", "--dry", "--wait", "30"], "--wait has no effect with --dry-run",
         "usage: trunkwiz apply "),
    ],
)  # fmt: skip
def test_a_mistake_is_named_with_the_closest_word_and_that_commands_usage(
    argv: list[str], named: str, usage: str
) -> None:
    r = run_subprocess(argv, env=child_env())
    assert r.returncode == 2
    assert r.stdout == ""
    assert named in r.stderr, r.stderr
    assert r.stderr.startswith(usage), r.stderr
    assert "Traceback" not in r.stderr


def test_a_command_far_from_any_gets_the_top_level_usage() -> None:
    r = run_subprocess(["frobnicate"], env=child_env())
    assert r.returncode == 2
    assert "unknown command 'frobnicate'" in r.stderr and "did you mean" not in r.stderr
    assert r.stderr.startswith("usage: trunkwiz [-h]")


def test_an_abbreviated_global_option_still_works() -> None:
    from trunkwiz.cli.parser import parse

    args = parse(["--pb", "https://pbx:8887", "--http-t", "5", "status", "Acme"])
    assert (args.command, args.pbx, args.http_timeout, args.name) == (
        "status", "https://pbx:8887", "5", "Acme"
    )  # fmt: skip


def test_tech_prefix_is_refused_where_it_would_do_nothing(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    file = tmp_path / "ip.toml"
    file.write_text(IP_TRUNK)  # brand Generic: no tech prefix anywhere
    assert cli("--pbx", sandbox.url, "apply", str(file), "--password-stdin",
               stdin=admin_stdin()).code == 0  # fmt: skip
    r = cli("--pbx", sandbox.url, "checklist", "Carrier IP", "--tech-prefix", "12345678",
            "--password-stdin", stdin=admin_stdin())  # fmt: skip
    assert r.code == 2
    assert "--tech-prefix has no effect on trunk Carrier IP" in r.err and r.out == ""
    r = cli("--pbx", sandbox.url, "checklist", "Carrier IP", "--tech-prefix", "12ab",
            "--password-stdin", stdin=admin_stdin())  # fmt: skip
    assert r.code == 2 and "--tech-prefix must be digits" in r.err


def test_every_bad_entry_of_a_pool_is_reported_at_once(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(
        IP_TRUNK.replace('"17185550100-17185550199"', '"123x;17185550100;0456;+17185550101"')
    )
    r = cli("--pbx", sandbox.url, "apply", str(file), "--dry-run", "--json",
            "--password-stdin", stdin=admin_stdin())  # fmt: skip
    assert r.code == 2
    errors = json.loads(r.out)["errors"]
    assert [e["key"] for e in errors] == ["tenants[1].did_numbers"] * 3
    text = " ".join(e["message"] for e in errors)
    assert "'123x'" in text and "'0456'" in text and "+17185550101" in text
    assert "3 problem(s); nothing was sent." in r.err
