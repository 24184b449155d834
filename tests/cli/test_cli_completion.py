"""``trunkwiz completion bash|zsh`` run by a real bash and a real zsh, and ``trunkwiz man``
rendered by man(1): both made from the argparse definitions. (Hostile trunk names:
test_cli_completion_hostile.py.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.conftest import Cli, admin_stdin
from tests.cli.test_cli_completion_hostile import (
    ENV_BASE,
    Tmux,
    bash_complete,
    press_tab_for_each,
    startup,
    tmux_shell,
    write_names,
    zsh_dump,
)
from tests.cli.test_cli_status import seed
from tests.support.system import need_binary
from trunkwiz.cli.completion.records import NAMES_FILE, decode_names
from trunkwiz.cli.parser import COMMANDS, build_parser
from trunkwiz.sandbox.server import SandboxServer

NAMES = ["Acme SIP", "Bluebird", "Carrier IP"]


def complete(script: str, words: list[str], config: Path) -> list[str]:
    """What bash's completion function offers for ``words`` (the last one being completed,
    none of them holding a space or quote), called as readline calls it."""
    line = " ".join(words)
    return bash_complete(script, line[: len(line) - len(words[-1])], config, config, words[-1])


@pytest.fixture
def script(cli: Cli) -> str:
    r = cli("completion", "bash")
    assert r.code == 0, r.err
    return r.out


def test_bash_completes_commands_options_choices_and_trunk_names(
    script: str, tmp_path: Path, cli: Cli
) -> None:
    config = tmp_path / "cfg"
    write_names(config, NAMES)
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
    other = tmp_path / "other"
    write_names(other, ["Other trunk"])
    assert complete(script, ["trunkwiz", "--config", str(other), "edit", "O"], config) == [
        "Other\\ trunk"
    ]
    (tmp_path / "trunks.toml").write_text("")
    files = complete(script, ["trunkwiz", "apply", str(tmp_path / "tru")], config)
    assert files == [str(tmp_path / "trunks.toml")]
    probe = complete(script, ["trunkwiz", "probe", str(tmp_path / "tru")], config)
    assert probe == [str(tmp_path / "trunks.toml")]


def test_every_option_of_every_command_is_offered(script: str, tmp_path: Path) -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():  # type: ignore[union-attr]
        offered = set(complete(script, ["trunkwiz", name, "--"], tmp_path))
        wanted = {o for a in command._actions for o in a.option_strings if o.startswith("--")}
        assert wanted <= offered, (name, wanted - offered)


def test_zsh_tab_completes_commands_options_choices_and_trunk_names(
    cli: Cli,
    tmp_path: Path,
    tmux_shell: Callable[[list[str], dict[str, str]], Tmux],
    zsh_dump: str,
) -> None:
    need_binary("zsh")
    r = cli("completion", "zsh")
    assert r.code == 0 and "compdef _trunkwiz trunkwiz" in r.out, r.err
    config, work, zdot = tmp_path / "cfg", tmp_path / "work", tmp_path / "zdot"
    write_names(config, NAMES)
    work.mkdir()
    zdot.mkdir()
    (zdot / ".zshrc").write_text(startup(r.out, zsh_dump))
    env = {**ENV_BASE, "HOME": str(work), "TERM": "screen", "ZDOTDIR": str(zdot)}
    shell = tmux_shell(["zsh", "-i"], {**env, "TRUNKWIZ_CONFIG_DIR": str(config)})
    lines = ["st", "status --wa", "completion z", "secret s", "secret set trunk B", "edit Ac"]
    ran = press_tab_for_each(shell, work / "out", lines, head="trunkwiz ")
    assert ran == [
        ["status"],
        ["status", "--watch"],
        ["completion", "zsh"],
        ["secret", "set"],
        ["secret", "set", "trunk", "Bluebird"],
        ["edit", "Acme SIP"],
    ]


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
    assert decode_names(names.read_bytes()) == ["Acme SIP", "Carrier IP"]
    names.unlink()
    r = cli("--pbx", sandbox.url, "export", "--password-stdin", stdin=admin_stdin())
    assert r.code == 0, r.err
    assert decode_names(names.read_bytes()) == ["Acme SIP", "Carrier IP"]


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


__all__ = ["tmux_shell", "zsh_dump"]  # the fixtures, imported for the zsh test
