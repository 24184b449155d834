"""Completion under hostile trunk names, in a real bash and a real zsh: a name holding
``$( )``, backticks, ``;``, quotes, spaces, glob characters or a newline is offered as one
word that the shell reads back as exactly that name, and nothing in it ever runs.

Function-level tests call bash's ``_trunkwiz`` as readline does (``COMP_LINE``,
``COMP_POINT``, the word readline completes as ``$2``); the TAB tests press TAB for real in
an interactive bash and zsh under tmux, then Enter, and read back the arguments the shell
passed (a shell function ``trunkwiz`` writes them NUL-separated).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Cli
from tests.support.system import need_binary
from trunkwiz.cli.completion.names import remember_names
from trunkwiz.cli.completion.records import NAMES_FILE

HOSTILE = [
    "k1 x`touch PWNED1`",
    "k2 x$(touch PWNED2)",
    "k3;touch PWNED3;b",
    'k4 it\'s "quoted" `touch PWNED4`',
    "k5  two  spaces",
    "k6*?[ab] glob",
    "k7 line\nbreak$(touch PWNED7)",
    "k8 back\\slash \\$(touch PWNED8)",
    "k9 Zürich ü",
    "k0!hist !! $HOME ~",
    "kA tab\there & | > <",
    "kB a=b:c@d",
]
ENV_BASE = {"LC_ALL": "C.UTF-8", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
BREAKS = " \t\n\"'><=;|&(:"


def write_names(config: Path, names: list[str]) -> None:
    """Keep ``names`` for completion as ``status`` does."""
    remember_names(argparse.Namespace(config=str(config)), names)
    assert (config / NAMES_FILE).exists()


def readline_text(word: str) -> str:
    """The part of the word being typed that readline replaces (and bash passes as $2):
    what follows an open quote, or else the last unquoted word-break character."""
    quote, start, i = "", 0, 0
    while i < len(word):
        c = word[i]
        if quote:
            if c == quote:
                quote = ""
        elif c == "\\":
            i += 1
        elif c in "'\"":
            quote, start = c, i + 1
        elif c in BREAKS:
            start = i + 1
        i += 1
    return word[start:] if quote or start else word


def bash_complete(
    script: str, line: str, config: Path, cwd: Path, typed: str = "", setup: str = ""
) -> list[str]:
    """COMPREPLY of ``_trunkwiz`` for ``line + typed`` (cursor at the end, ``typed`` the
    word being completed), as bash's readline calls it."""
    if not typed:
        line, _, typed = line.rpartition(" ")
        line += " "
    driver = (
        f'eval "$TW_SCRIPT"; {setup}\nCOMP_LINE=$TW_LINE; COMP_POINT=$TW_POINT; '
        'COMP_WORDS=(trunkwiz); COMP_CWORD=0; _trunkwiz trunkwiz "$TW_TEXT" ""; '
        "printf '%s\\0' \"${COMPREPLY[@]}\""
    )
    env = {
        **ENV_BASE,
        "HOME": str(cwd),
        "TW_SCRIPT": script,
        "TW_LINE": line + typed,
        "TW_POINT": str(len(line + typed)),  # characters, as bash counts
        "TW_TEXT": readline_text(typed),
        "TRUNKWIZ_CONFIG_DIR": str(config),
    }
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", driver],
        capture_output=True, env=env, cwd=cwd, timeout=20, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and done.stderr == b"", done.stderr
    return [w for w in done.stdout.decode().split("\0") if w]


def parse_back(shell: str, words: str, cwd: Path) -> list[str]:
    """The arguments ``shell`` reads from ``words`` (as typed on a command line)."""
    done = subprocess.run(
        [shell, "-f" if shell == "zsh" else "--norc", "-c", f"printf '%s\\0' {words}"],
        capture_output=True, env={**ENV_BASE, "HOME": str(cwd)}, cwd=cwd, timeout=20,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.decode().split("\0")[:-1]


def nothing_ran(cwd: Path) -> None:
    ran = sorted(p.name for p in cwd.iterdir() if p.name.startswith("PWNED"))
    assert ran == [], f"a trunk name ran a command: {ran}"


@pytest.fixture(scope="module")
def bash_script() -> str:
    from trunkwiz.cli.completion import bash_script

    return bash_script()


@pytest.fixture
def place(tmp_path: Path) -> tuple[Path, Path]:
    """(config dir holding the hostile names, an empty working directory)."""
    config, work = tmp_path / "cfg", tmp_path / "work"
    write_names(config, HOSTILE)
    work.mkdir()
    return config, work


def typed_prefix(name: str, k: int = 2) -> str:
    """The first ``k`` characters of ``name`` as a user types them: backslashed."""
    return "".join(c if c.isalnum() else "\\" + c for c in name[:k])


def test_bash_offers_each_hostile_name_as_one_word_that_reads_back_exactly(
    bash_script: str, place: tuple[Path, Path]
) -> None:
    config, work = place
    everything = bash_complete(bash_script, "trunkwiz edit ", config, work)
    nothing_ran(work)
    assert len(everything) == len(HOSTILE)
    assert sorted(parse_back("bash", " ".join(everything), work)) == sorted(HOSTILE)
    for name in HOSTILE:
        offered = bash_complete(bash_script, "trunkwiz edit ", config, work, name[:2])
        assert len(offered) == 1, (name, offered)
        assert parse_back("bash", offered[0], work) == [name]
        assert parse_back("zsh", offered[0], work) == [name]
    assert bash_complete(bash_script, "trunkwiz edit k2", config, work) == [
        "k2\\ x\\$\\(touch\\ PWNED2\\)"
    ]
    nothing_ran(work)


@pytest.mark.parametrize("name", HOSTILE, ids=[f"k{n[1]}" for n in HOSTILE])
def test_bash_completes_a_typed_quoted_prefix_in_the_quote_it_was_typed_in(
    bash_script: str, place: tuple[Path, Path], name: str
) -> None:
    config, work = place
    for typed in (typed_prefix(name, 5), "'" + name[:4].replace("'", ""), '"' + name[:4]):
        if "'" in name[:4] or '"' in name[:4] or "$" in name[:4] or "`" in name[:4]:
            continue
        offered = bash_complete(bash_script, "trunkwiz edit ", config, work, typed)
        if typed[0] in "'\"" and any(ord(c) < 32 for c in name):
            assert offered == [], "a control character goes only into $'...'"
            continue
        assert len(offered) == 1, (typed, offered)
        text = readline_text(typed)
        word = typed[: len(typed) - len(text)] + offered[0]
        if typed[0] in "'\"":
            word += typed[0]  # readline closes the quote it saw opened
        assert parse_back("bash", word, work) == [name], word
    nothing_ran(work)


def test_bash_completion_holds_under_the_users_shell_options(
    bash_script: str, place: tuple[Path, Path]
) -> None:
    config, work = place
    (work / "k6 x").write_text("")  # a file a glob in a name would match
    setup = "set -u; shopt -s nullglob failglob extglob dotglob nocaseglob; IFS=:"
    for name in HOSTILE:
        offered = bash_complete(bash_script, "trunkwiz edit ", config, work, name[:2], setup)
        assert len(offered) == 1 and parse_back("bash", offered[0], work) == [name]
    offered = bash_complete(bash_script, "trunkwiz completion ", config, work, "", setup)
    assert offered == ["bash", "zsh"]
    nothing_ran(work)


CONTROL = ["e1 \x1b]0;TITLE\x07 bell", "e2 \x1b[31mRED", "e3 \x9b31mC1", "e4 del\x7f"]


def test_bash_control_characters_are_offered_as_escapes(bash_script: str, tmp_path: Path) -> None:
    write_names(tmp_path, CONTROL)
    assert bash_complete(bash_script, "trunkwiz status e1", tmp_path, tmp_path) == [
        "e1\\ $'\\E'\\]0\\;TITLE$'\\a'\\ bell"
    ]
    offered = bash_complete(bash_script, "trunkwiz status ", tmp_path, tmp_path, "e")
    assert len(offered) == len(CONTROL)
    for word in offered:
        assert not any(unicodedata.category(c) == "Cc" for c in word), word
    assert sorted(parse_back("bash", " ".join(offered), tmp_path)) == CONTROL


def test_bash_a_word_holding_an_expansion_gets_nothing(
    bash_script: str, place: tuple[Path, Path]
) -> None:
    config, work = place
    for typed in ("k2\\ x$(touch PWNED9)", "`touch PWNED9`", '"$(touch PWNED9)', "$HOME"):
        assert bash_complete(bash_script, "trunkwiz edit ", config, work, typed) == []
    line = f"trunkwiz --config $(touch\\ PWNED9){config} edit "
    assert bash_complete(bash_script, line, config, work, "k") == []
    nothing_ran(work)


def wrong_shapes() -> dict[str, bytes]:
    from trunkwiz.cli.completion.records import HEADER, TRAILER, encode_names

    good = encode_names(["k1 one"])
    return {
        "lines": b"k1 one\nk2 two\n",  # the older newline-separated file
        "empty": b"",
        "truncated": good[: len(good) - 12],  # cut inside the trailer
        "junk": good + b"k2 junk after",
        "header": good.replace(HEADER.encode(), b"trunkwiz-completion-names/9"),
        "trailer": good.replace(TRAILER.encode(), b"k2"),
        "too-many": HEADER.encode() + b"\0" + b"k1\0" * 3000 + TRAILER.encode() + b"\0",
        "garbage": b"\xff\xfe\x00\x01garbage\x00$(touch PWNED1)\x00",
    }


@pytest.mark.parametrize(
    "shape", ["lines", "empty", "truncated", "junk", "header", "trailer", "too-many", "garbage"]
)
def test_a_names_file_of_the_wrong_shape_offers_nothing_quietly(
    bash_script: str, tmp_path: Path, shape: str
) -> None:
    from trunkwiz.cli.completion.records import decode_names

    content = wrong_shapes()[shape]
    (tmp_path / NAMES_FILE).write_bytes(content)
    assert bash_complete(bash_script, "trunkwiz edit k", tmp_path, tmp_path) == []
    assert decode_names(content) is None
    nothing_ran(tmp_path)


def test_a_names_path_that_is_not_a_file_offers_nothing_quietly(
    bash_script: str, tmp_path: Path
) -> None:
    (tmp_path / NAMES_FILE).mkdir()
    assert bash_complete(bash_script, "trunkwiz edit k", tmp_path, tmp_path) == []
    (tmp_path / NAMES_FILE).rmdir()
    write_names(tmp_path / "elsewhere", ["k1 x"])
    (tmp_path / NAMES_FILE).symlink_to(tmp_path / "elsewhere" / NAMES_FILE)
    assert bash_complete(bash_script, "trunkwiz edit k", tmp_path, tmp_path) == []


def test_remember_names_keeps_every_name_exactly_in_a_private_file(tmp_path: Path) -> None:
    from trunkwiz.cli.completion.records import decode_names

    config = tmp_path / "cfg"
    args = argparse.Namespace(config=str(config))
    given = [*HOSTILE, " padded ", "", "nul\x00name", "x" * 201, "lone\udc80surrogate"]
    remember_names(args, [*given, HOSTILE[0]])
    path = config / NAMES_FILE
    assert decode_names(path.read_bytes()) == sorted([*HOSTILE, " padded "])
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in config.iterdir()] == [NAMES_FILE], "no temporary file is left"


def test_remember_names_replaces_a_planted_link_without_following_it(tmp_path: Path) -> None:
    from trunkwiz.cli.completion.records import decode_names

    config = tmp_path / "cfg"
    config.mkdir(mode=0o700)
    victim = tmp_path / "victim"
    victim.write_text("keep me\n")
    (config / NAMES_FILE).symlink_to(victim)
    remember_names(argparse.Namespace(config=str(config)), ["k1 one"])
    assert victim.read_text() == "keep me\n"
    path = config / NAMES_FILE
    assert not path.is_symlink() and decode_names(path.read_bytes()) == ["k1 one"]


# -- real TAB presses -------------------------------------------------------------------
class Tmux:
    """One shell in a tmux server of its own (its own socket), killed at the end."""

    def __init__(self, tmp: Path, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.tmux = need_binary("tmux")
        self.socket = str(tmp / "tmux.sock")
        envs = [f"{k}={v}" for k, v in env.items()]
        self.run(
            "-f", "/dev/null", "new-session", "-d", "-x", "200", "-y", "50", "-c", str(cwd),
            "env", "-i", *envs, *argv,
        )  # fmt: skip

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-S", self.socket, *args],
            capture_output=True, text=True, timeout=20, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p")

    def kill(self) -> None:
        subprocess.run(
            [self.tmux, "-S", self.socket, "kill-server"], capture_output=True, timeout=20,
            check=False,
        )  # fmt: skip


def wait_for(what: Callable[[], bool], describe: Callable[[], str], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not what():
        if time.monotonic() > deadline:
            raise AssertionError(describe())
        time.sleep(0.02)


@pytest.fixture
def tmux_shell(tmp_path: Path) -> Iterator[Callable[[list[str], dict[str, str]], Tmux]]:
    made: list[Tmux] = []

    def start(argv: list[str], env: dict[str, str]) -> Tmux:
        shell = Tmux(tmp_path, argv, env, tmp_path / "work")
        made.append(shell)
        return shell

    yield start
    for shell in made:
        shell.kill()


def press_tab_for_each(
    shell: Tmux, out: Path, prefixes: list[str], head: str = "trunkwiz edit "
) -> list[list[str]]:
    """Type ``head + PREFIX``, press TAB (also at each tab character in it), then Enter,
    for each prefix; the argument lists the shell ran ``trunkwiz`` with."""
    wait_for(lambda: "READY" in shell.screen(), shell.screen)
    for count, prefix in enumerate(prefixes, start=1):
        for piece in (head + prefix).split("\t"):  # a TAB after each piece
            if piece:
                shell.run("send-keys", "-l", piece)
            shell.run("send-keys", "Tab")
        shell.run("send-keys", "Enter")
        wait_for(
            lambda n=count: out.exists() and out.read_bytes().count(b"\x01") >= n,
            lambda p=prefix: f"after {p!r}:\n{shell.screen()}",
        )
    records = out.read_bytes().split(b"\x01")[:-1]
    return [r.decode().split("\0")[:-1] for r in records]


@pytest.fixture(scope="session")
def zsh_dump(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One compinit dump for the zsh sessions (a fresh one costs most of a second)."""
    return str(tmp_path_factory.mktemp("zsh") / "zcompdump")


def startup(script: str, dump: str | None = None) -> str:
    """A shell start-up file: compinit from the shared dump (zsh), the completion script,
    a ``trunkwiz`` that records its arguments and a prompt to wait for."""
    first = f"autoload -Uz compinit && compinit -i -d {shlex.quote(dump)}\n" if dump else ""
    return f"{first}{script}\n{RECORD}\nPS1='READY> '\n"


RECORD = "trunkwiz() { printf '%s\\0' \"$@\" >> out; printf '\\1' >> out; }"


def test_bash_tab_press_completes_each_hostile_name_and_runs_nothing(
    place: tuple[Path, Path], tmux_shell: Callable[[list[str], dict[str, str]], Tmux], cli: Cli
) -> None:
    need_binary("bash")
    config, work = place
    script = cli("completion", "bash")
    assert script.code == 0, script.err
    rc = work.parent / "bashrc"
    rc.write_text(startup(script.out))
    env = {**ENV_BASE, "HOME": str(work), "TERM": "screen", "TRUNKWIZ_CONFIG_DIR": str(config)}
    shell = tmux_shell(["bash", "--noprofile", "--rcfile", str(rc), "-i"], env)
    prefixes = [n[:2] for n in HOSTILE] + ["'k4 it", "k5\\ \\ t", "kB\\ a=b:"]
    try:
        ran = press_tab_for_each(shell, work / "out", prefixes)
    finally:
        nothing_ran(work)
    wanted = [*HOSTILE, HOSTILE[3], HOSTILE[4], HOSTILE[-1]]
    assert ran == [["edit", name] for name in wanted]


def test_zsh_tab_press_completes_each_hostile_name_and_runs_nothing(
    place: tuple[Path, Path], tmux_shell: Callable[[list[str], dict[str, str]], Tmux], cli: Cli
) -> None:
    need_binary("zsh")
    config, work = place
    script = cli("completion", "zsh")
    assert script.code == 0, script.err
    zdot = work.parent / "zdot"
    zdot.mkdir()
    (zdot / ".zshrc").write_text(startup(script.out))  # the script's own compinit
    env = {
        **ENV_BASE,
        "HOME": str(work),
        "TERM": "screen",
        "ZDOTDIR": str(zdot),
        "TRUNKWIZ_CONFIG_DIR": str(config),
    }
    shell = tmux_shell(["zsh", "-i"], env)
    prefixes = [n[:2] for n in HOSTILE] + ["'k4 it", "k5\\ \\ t", "kB\\ a=b:"]
    try:
        ran = press_tab_for_each(shell, work / "out", prefixes)
    finally:
        nothing_ran(work)
    wanted = [*HOSTILE, HOSTILE[3], HOSTILE[4], HOSTILE[-1]]
    assert ran == [["edit", name] for name in wanted]


def test_zsh_a_names_file_of_the_wrong_shape_offers_nothing_quietly(
    tmp_path: Path,
    tmux_shell: Callable[[list[str], dict[str, str]], Tmux],
    cli: Cli,
    zsh_dump: str,
) -> None:
    need_binary("zsh")
    config, work, zdot = tmp_path / "cfg", tmp_path / "work", tmp_path / "zdot"
    for folder in (config, work, zdot):
        folder.mkdir()
    script = cli("completion", "zsh")
    (zdot / ".zshrc").write_text(startup(script.out, zsh_dump))
    env = {**ENV_BASE, "HOME": str(work), "TERM": "screen", "ZDOTDIR": str(zdot)}
    shell = tmux_shell(["zsh", "-i"], {**env, "TRUNKWIZ_CONFIG_DIR": str(config)})
    wait_for(lambda: "READY" in shell.screen(), shell.screen)
    path = config / NAMES_FILE
    shapes = wrong_shapes()
    for count, content in enumerate(shapes.values(), start=1):
        path.write_bytes(content)
        shell.run("send-keys", "-l", "trunkwiz edit k")
        shell.run("send-keys", "Tab")
        shell.run("send-keys", "Enter")
        wait_for(
            lambda n=count: (
                (work / "out").exists() and (work / "out").read_bytes().count(b"\x01") >= n
            ),
            shell.screen,
        )
    records = (work / "out").read_bytes().split(b"\x01")[:-1]
    assert records == [b"edit\0k\0"] * len(shapes)
    screen = [line for line in shell.screen().splitlines() if line.strip()]
    assert screen == ["READY> trunkwiz edit k"] * len(shapes) + ["READY>"], screen
    nothing_ran(work)


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_a_listing_of_names_with_control_characters_shows_escapes(
    tmp_path: Path,
    tmux_shell: Callable[[list[str], dict[str, str]], Tmux],
    cli: Cli,
    shell: str,
    zsh_dump: str,
) -> None:
    need_binary(shell)
    config, work, zdot = tmp_path / "cfg", tmp_path / "work", tmp_path / "zdot"
    work.mkdir()
    zdot.mkdir()
    write_names(config, CONTROL)
    script = cli("completion", shell)
    rc = zdot / (".zshrc" if shell == "zsh" else "bashrc")
    rc.write_text(startup(script.out, zsh_dump if shell == "zsh" else None))
    env = {**ENV_BASE, "HOME": str(work), "TERM": "screen", "TRUNKWIZ_CONFIG_DIR": str(config)}
    argv = ["zsh", "-i"] if shell == "zsh" else ["bash", "--noprofile", "--rcfile", str(rc), "-i"]
    term = tmux_shell(argv, {**env, "ZDOTDIR": str(zdot)})
    wait_for(lambda: "READY" in term.screen(), term.screen)
    term.run("send-keys", "-l", "trunkwiz edit e")
    term.run("send-keys", "Tab")
    term.run("send-keys", "Tab")
    wait_for(lambda: "RED" in term.screen() and "C1" in term.screen(), term.screen)
    screen = term.screen()
    assert "TITLE" in screen and "del" in screen, screen  # shown, not taken as a sequence
    assert term.run("display-message", "-p", "#{pane_title}").strip() != "TITLE"
    painted = term.run("capture-pane", "-p", "-e")
    assert "\x1b[31m" not in painted, "a name painted the terminal"


SHARED = ["x\x1bA one", "x\x1bB two", "nl\nA", "nl\nB$(touch PWNED5)"]


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_tab_goes_on_past_a_shared_control_character_or_newline(
    tmp_path: Path,
    tmux_shell: Callable[[list[str], dict[str, str]], Tmux],
    cli: Cli,
    shell: str,
    zsh_dump: str,
) -> None:
    """Two names share a beginning up to a newline or ESC: TAB inserts the shared part
    (written $'\\n' or $'\\E'), the next letter and TAB complete the one name."""
    need_binary(shell)
    config, work, zdot = tmp_path / "cfg", tmp_path / "work", tmp_path / "zdot"
    work.mkdir()
    zdot.mkdir()
    write_names(config, SHARED)
    script = cli("completion", shell)
    rc = zdot / (".zshrc" if shell == "zsh" else "bashrc")
    rc.write_text(startup(script.out, zsh_dump if shell == "zsh" else None))
    env = {**ENV_BASE, "HOME": str(work), "TERM": "screen", "TRUNKWIZ_CONFIG_DIR": str(config)}
    argv = ["zsh", "-i"] if shell == "zsh" else ["bash", "--noprofile", "--rcfile", str(rc), "-i"]
    term = tmux_shell(argv, {**env, "ZDOTDIR": str(zdot)})
    try:
        ran = press_tab_for_each(term, work / "out", ["x\tA", "nl\tB", "x\tB"])
    finally:
        nothing_ran(work)
    assert ran == [["edit", SHARED[0]], ["edit", SHARED[3]], ["edit", SHARED[1]]]
