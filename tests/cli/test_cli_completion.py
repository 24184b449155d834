"""``trunkwiz completion bash|zsh`` run by a real bash (and zsh), and ``trunkwiz man``
rendered by man(1): both made from the argparse definitions."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, admin_stdin
from tests.cli.test_cli_status import seed
from trunkwiz.cli import COMMANDS, build_parser
from trunkwiz.cli.completion import NAMES_FILE, remember_names
from trunkwiz.sandbox.server import SandboxServer

NAMES = ["Acme SIP", "Bluebird", "Carrier IP"]


def complete(script: str, words: list[str], config: Path, shell: str = "bash") -> list[str]:
    """What the completion function offers for ``words`` (the last one being completed)."""
    quoted = " ".join("'" + w.replace("'", "'\\''") + "'" for w in words)
    driver = (
        f"COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; "
        "_trunkwiz; printf '%s\\n' \"${COMPREPLY[@]}\""
    )
    if shell == "bash":
        argv = ["bash", "--norc", "--noprofile", "-c", f'eval "$TW_SCRIPT"; {driver}']
    else:  # as zsh's bashcompinit calls it: from its compgen, under `emulate -L sh`
        scoped = f"() {{ emulate -L sh; setopt kshglob noshglob braceexpand; {driver}; }}"
        argv = ["zsh", "-f", "-c", f'eval "$TW_SCRIPT"; {scoped}']
    env = {**os.environ, "TW_SCRIPT": script, "TRUNKWIZ_CONFIG_DIR": str(config)}
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    offered = [line for line in done.stdout.splitlines() if line]
    if shell == "zsh":  # zsh's compgen leaves matching the typed prefix to compadd
        offered = [o for o in offered if o.replace("\\", "").startswith(words[-1])]
    return offered


@pytest.fixture
def script(cli: Cli) -> str:
    r = cli("completion", "bash")
    assert r.code == 0, r.err
    return r.out


def test_bash_completes_commands_options_choices_and_trunk_names(
    script: str, tmp_path: Path, cli: Cli
) -> None:
    config = tmp_path / "cfg"
    config.mkdir()
    (config / NAMES_FILE).write_text("".join(f"{n}\n" for n in NAMES))
    assert complete(script, ["trunkwiz", "st"], config) == ["status"]
    assert set(complete(script, ["trunkwiz", ""], config)) >= set(COMMANDS)
    assert complete(script, ["trunkwiz", "status", "--wa"], config) == ["--watch"]
    assert complete(script, ["trunkwiz", "--pbx", "https://x", "edit", "Ac"], config) == [
        "Acme\\ SIP"
    ]
    assert complete(script, ["trunkwiz", "secret", "s"], config) == ["set"]
    assert complete(script, ["trunkwiz", "secret", "set", "t"], config) == ["trunk"]
    assert complete(script, ["trunkwiz", "secret", "set", "trunk", "B"], config) == ["Bluebird"]
    assert complete(script, ["trunkwiz", "secret", "set", "pbx", "B"], config) == []
    assert complete(script, ["trunkwiz", "completion", "z"], config) == ["zsh"]
    (tmp_path / "trunks.toml").write_text("")
    files = complete(script, ["trunkwiz", "apply", str(tmp_path / "tru")], config)
    assert files == [str(tmp_path / "trunks.toml")]


def test_every_option_of_every_command_is_offered(script: str, tmp_path: Path) -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():  # type: ignore[union-attr]
        offered = set(complete(script, ["trunkwiz", name, "--"], tmp_path))
        wanted = {o for a in command._actions for o in a.option_strings if o.startswith("--")}
        assert wanted <= offered, (name, wanted - offered)


def test_zsh_script_loads_the_same_function(cli: Cli, script: str, tmp_path: Path) -> None:
    r = cli("completion", "zsh")
    assert r.code == 0 and "bashcompinit" in r.out
    assert r.out.endswith(script), "zsh runs the bash function through bashcompinit"
    if shutil.which("zsh") is None:
        return  # the content check above is what can be checked without zsh
    config = tmp_path / "cfg"
    config.mkdir()
    (config / NAMES_FILE).write_text("Acme SIP\n")
    assert complete(r.out, ["trunkwiz", "st"], config, shell="zsh") == ["status"]
    assert complete(r.out, ["trunkwiz", "status", "--wa"], config, shell="zsh") == ["--watch"]
    offered = complete(r.out, ["trunkwiz", "secret", "set", "trunk", "A"], config, shell="zsh")
    assert offered == ["Acme\\ SIP"]


def test_names_are_remembered_without_control_characters(tmp_path: Path) -> None:
    import argparse

    args = argparse.Namespace(config=str(tmp_path / "cfg"))
    remember_names(args, ["Acme SIP", "Evil\x1b]0;PWNED\x07", "Bluebird", "Acme SIP", " "])
    path = tmp_path / "cfg" / NAMES_FILE
    assert path.read_text() == "Acme SIP\nBluebird\n"
    assert path.stat().st_mode & 0o777 == 0o600


def test_status_and_export_of_all_trunks_keep_the_names_for_completion(
    cli: Cli, sandbox: SandboxServer, tmp_path: Path
) -> None:
    seed(cli, sandbox, tmp_path)
    names = tmp_path / "config" / NAMES_FILE
    one = cli("--pbx", sandbox.url, "status", "Acme SIP", "--password-stdin", stdin=admin_stdin())
    assert one.code == 0, one.err
    assert not names.exists(), "one trunk is not a listing"
    r = cli("--pbx", sandbox.url, "status", "--password-stdin", stdin=admin_stdin())
    assert r.code == 0, r.err
    assert names.read_text() == "Acme SIP\nCarrier IP\n"
    names.unlink()
    r = cli("--pbx", sandbox.url, "export", "--password-stdin", stdin=admin_stdin())
    assert r.code == 0, r.err
    assert names.read_text() == "Acme SIP\nCarrier IP\n"


def test_man_page_renders_and_names_every_command_and_option(cli: Cli, tmp_path: Path) -> None:
    r = cli("man")
    assert r.code == 0, r.err
    page = tmp_path / "trunkwiz.1"
    page.write_text(r.out)
    man = shutil.which("man")
    text = r.out.replace("\\-", "-").replace("\\fB", "").replace("\\fR", "").replace("\\fI", "")
    if man is not None:
        shown = subprocess.run(
            [man, "--warnings", "-l", str(page)],
            capture_output=True, text=True, timeout=60, check=False,
            env={**os.environ, "MANWIDTH": "80", "MAN_KEEP_FORMATTING": "0"},
        )  # fmt: skip
        assert shown.returncode == 0 and shown.stderr == "", shown.stderr
        text = re.sub(".\x08", "", shown.stdout)  # no overstrike bold
    assert "TRUNKWIZ(1)" in text or r.out.startswith(".TH TRUNKWIZ 1")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():  # type: ignore[union-attr]
        assert name in text
        for action in command._actions:
            for option in action.option_strings:
                if option.startswith("--"):
                    assert option in text, (name, option)
