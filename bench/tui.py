"""Benchmark: the wizard in a pseudo-terminal against a bare Textual app with one Input.

Run with ``.venv/bin/python bench/tui.py``. Every program runs as a child process on its
own pseudo-terminal (80x24, ``TERM=xterm-256color``); the parent reads what it writes to
the terminal. Measured in the same run, as ratios to the bare app:

* start-up: process start to the first frame that shows the focused input (median of
  ``RUNS``, the two apps' runs interleaved so machine load hits both alike; the minimum
  is shown too; the wizard starts exactly as ``python -m trunkwiz`` does, which pauses
  the garbage collector until its first frame is out; the bare app runs as Textual's
  defaults leave it); target <= 1.10x on the medians (DESIGN.md); informative: a bare
  Textual app showing the same form as the wizard's first step (``BARE_FORM``), which
  splits the ratio into the form's cost in Textual and what trunkwiz adds to it;
* bytes written to the terminal per character typed into a DID pool field (the Tenants
  step, signed in to a sandbox PBX) vs. typed into the bare Input; target <= 1.5x;
* peak RSS of each child (``ru_maxrss``), informative;
* a step change: Next pressed to the next step's first frame (informative, milliseconds).

Both apps have the cursor blink off (a blinking cursor writes about 2 KB/s while idle).
Exits 1 when a target is missed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from trunkwiz.sandbox.server import SandboxServer

RUNS = 21
START_TARGET = 1.10
BYTES_TARGET = 1.5
TYPED = "15551230000-15551239"  # 20 characters, as a DID pool is typed

BARE_APP = """
from textual.app import App
from textual.widgets import Input

class Bare(App):
    def compose(self):
        field = Input(placeholder="bare-ready")
        field.cursor_blink = False
        yield field

Bare().run()
"""

#: Informative: a bare Textual app showing what the wizard's first step shows (a step bar,
#: a title line, four labelled inputs, a checkbox, two buttons, a key line) with Textual's
#: own widgets, so the start-up ratio can be split into what the form costs Textual and
#: what trunkwiz adds on top of it.
BARE_FORM = """
from textual.app import App
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Static

class BareForm(App):
    CSS = (
        "Grid { grid-size: 2; grid-columns: 20 1fr; height: auto; }"
        "Input { border: none; height: 1; } Button { min-width: 8; height: 1; border: none; }"
    )

    def compose(self):
        yield Static("1 Connect > 2 Kind > 3 Basic > 4 Credentials > 5 Options > 6 Tenants")
        with VerticalScroll():
            yield Static("Connect  Sign in to the PBX's REST API")
            with Grid():
                for label in ("PBX URL", "Admin user", "Password", "SIP domain"):
                    yield Static(label)
                    field = Input(placeholder="form-ready" if label == "PBX URL" else "")
                    field.cursor_blink = False
                    yield field
            yield Checkbox("Remember the password")
        with Horizontal():
            yield Button("Back")
            yield Button("Next")
        yield Static("^n Next  ^r Back  esc Quit  F1 Help")

BareForm().run()
"""

#: The wizard signed in to the sandbox at argv[1], on a step chosen by argv[2]; writes
#: argv[3] once the step is loaded (Tenants: with the DID pool field focused).
WIZARD_AT = """
import sys
from pathlib import Path
from pydantic import SecretStr
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD
from trunkwiz.service.draft import TenantPick, WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp

url, step, ready, config = sys.argv[1:5]

class Bench(TrunkWizApp):
    CSS_PATH = str(Path(sys.modules[TrunkWizApp.__module__].__file__).with_name("app.tcss"))

    async def on_mount(self, event):
        event.prevent_default()
        await self.services.connect(url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        self.show_step(self._first_step)
        self._poll = self.set_interval(0.05, self._when_loaded)

    def _when_loaded(self):
        screen = self.screen
        if any(w.is_running for w in self.workers if w.group == "warm-up"):
            return
        if step == "tenants":
            fields = screen.query("#tenant-0-did_numbers")
            if getattr(screen, "sources", None) is None or not fields:
                return
            fields.first().focus()
        self._poll.stop()
        Path(ready).write_text("ready")

draft = WizardDraft(
    url=url, user="admin", kind="register", level="system",
    fields={"name": "bench", "hostname": "sip.bench.test", "auth_id": "bench-acct"},
    password=SecretStr("bench-sip-pw"),
    tenants=[TenantPick(sys.argv[5], "bench tenant", "")],
)
services = Services(config_dir=Path(config), read_ahead=True)  # as `trunkwiz` builds it
Bench(services, start=step, draft=draft).run()
"""

#: The steps after Kind and a phrase of each one's first line (its intro).
STEP_SENTINELS = (
    ("basic", b"Where the carrier is"),
    ("credentials", b"The SIP account the carrier"),
    ("options", b"Defaults are the PBX"),
    ("tenants", b"Space picks a tenant"),
    ("routes", b"Rules that carry calls"),
    ("review", b"These are the exact changes"),
)


#: Every child started, so that none outlives the bench (it would spin on a closed pty).
CHILDREN: list[PtyChild] = []


def kill_leftovers() -> None:
    """Kill (by pid) the children still running: the bench stopped half-way."""
    for child in CHILDREN:
        if child.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.proc.pid, signal.SIGKILL)
            child.proc.wait(5)


class PtyChild:
    """A program on its own 80x24 pseudo-terminal; the parent holds the master side."""

    def __init__(self, argv: list[str], cwd: Path | None = None) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
        env.update(TERM="xterm-256color", COLUMNS="80", LINES="24")
        env.pop("COLORTERM", None)
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
            start_new_session=True, close_fds=True,
        )  # fmt: skip
        os.close(slave)
        CHILDREN.append(self)
        self.master = master
        self.output = bytearray()

    def _read(self, timeout: float) -> int:
        ready, _, _ = select.select([self.master], [], [], max(timeout, 0))
        if not ready:
            return 0
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the child closed the terminal
            return -1
        self.output += chunk
        return len(chunk)

    def wait_for(self, sentinel: bytes, since: int = 0, timeout: float = 30.0) -> float:
        """Read until ``sentinel`` appears after offset ``since``; seconds it took."""
        t0 = time.perf_counter()
        while sentinel not in self.output[since:]:
            if time.perf_counter() - t0 > timeout or self._read(0.5) < 0:
                tail = bytes(self.output[-400:])
                raise TimeoutError(f"{sentinel!r} never appeared; last output: {tail!r}")
        return time.perf_counter() - t0

    def settle(self, quiet: float = 0.3, timeout: float = 15.0) -> None:
        """Read until nothing has been written for ``quiet`` seconds (bounded)."""
        deadline = time.perf_counter() + timeout
        last = time.perf_counter()
        while time.perf_counter() - last < quiet:
            if time.perf_counter() > deadline:
                raise TimeoutError("the terminal never went quiet")
            if self._read(quiet / 3) != 0:
                last = time.perf_counter()

    def write(self, data: bytes) -> None:
        os.write(self.master, data)


def reap_with_rss(child: PtyChild) -> int:
    """Terminate and reap ``child`` ourselves (so ``wait4`` reports its RSS)."""
    if child.proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(child.proc.pid, signal.SIGTERM)
    deadline = time.perf_counter() + 10
    while True:
        pid, status, usage = os.wait4(child.proc.pid, os.WNOHANG)
        if pid:
            child.proc.returncode = os.waitstatus_to_exitcode(status)
            os.close(child.master)
            return int(usage.ru_maxrss)
        if time.perf_counter() > deadline:
            os.kill(child.proc.pid, signal.SIGKILL)
        child._read(0.05)


def python() -> str:
    return sys.executable


def start_bare() -> tuple[float, int]:
    child = PtyChild([python(), "-c", BARE_APP])
    child.wait_for(b"are-ready")  # its first letter is under the cursor
    took = time.perf_counter() - child.started
    return took, reap_with_rss(child)


def start_bare_form() -> tuple[float, int]:
    child = PtyChild([python(), "-c", BARE_FORM])
    child.wait_for(b"orm-ready")  # its first letter is under the cursor
    took = time.perf_counter() - child.started
    return took, reap_with_rss(child)


def start_wizard(config: Path) -> tuple[float, int]:
    child = PtyChild([python(), "-m", "trunkwiz", "--config", str(config)])
    child.wait_for(b"https://127.0.0.1:8887")  # the PBX URL in its input: the form is up
    took = time.perf_counter() - child.started
    return took, reap_with_rss(child)


def bytes_per_char(child: PtyChild) -> float:
    """Type ``TYPED`` one character at a time, each after the screen went quiet."""
    child.settle()
    before = len(child.output)
    for char in TYPED:
        child.write(char.encode())
        child.settle(quiet=0.15)
    return (len(child.output) - before) / len(TYPED)


def wizard_at(sandbox: SandboxServer, step: str, tmp: Path) -> PtyChild:
    ready = tmp / f"ready-{step}"
    tenant = sorted(sandbox.state.tenants.values(), key=lambda t: t["name"].lower())[0]
    argv = [python(), "-c", WIZARD_AT, sandbox.url, step, str(ready), str(tmp / step)]
    child = PtyChild([*argv, str(tenant["id"])])
    deadline = time.perf_counter() + 30
    while not ready.exists():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the wizard never got to {step}: {bytes(child.output[-300:])!r}")
        child._read(0.05)
    return child


def step_changes(sandbox: SandboxServer, tmp: Path) -> list[tuple[str, float]]:
    """Next pressed on Kind, Basic, … Routes: seconds to each next step's first frame."""
    child = wizard_at(sandbox, "kind", tmp)
    times = []
    try:
        child.settle()
        for step, sentinel in STEP_SENTINELS:
            mark = len(child.output)
            child.write(b"\x0e")  # Ctrl+N
            times.append((step, child.wait_for(sentinel, since=mark)))
            child.settle()
    finally:
        reap_with_rss(child)
    return times


def compile_package() -> None:
    """Byte-compile trunkwiz as an installed package is (pip compiles at install time).

    Textual's files already carry bytecode from their install; without this, only our side
    would pay for compiling its sources on every start (PYTHONDONTWRITEBYTECODE may be set).
    """
    import compileall

    import trunkwiz

    compileall.compile_dir(Path(trunkwiz.__file__).parent, quiet=1)


def main() -> int:
    compile_package()
    print("both apps start from byte-compiled modules, as installed packages do")
    sandbox = SandboxServer(tenants=120).start()
    try:
        with tempfile.TemporaryDirectory(prefix="trunkwiz-bench-") as name:
            tmp = Path(name)
            bare, form, wizard = [], [], []
            for run in range(RUNS):  # interleaved, so drift hits them alike
                bare.append(start_bare())
                form.append(start_bare_form())
                wizard.append(start_wizard(tmp / f"config-{run}"))
            typing_bare = PtyChild([python(), "-c", BARE_APP])
            typing_bare.wait_for(b"are-ready")
            bare_bytes = bytes_per_char(typing_bare)
            reap_with_rss(typing_bare)
            typing_wizard = wizard_at(sandbox, "tenants", tmp)
            wizard_bytes = bytes_per_char(typing_wizard)
            typed = bytes(typing_wizard.output)
            wizard_rss_typing = reap_with_rss(typing_wizard)
            steps = step_changes(sandbox, tmp)
    finally:
        kill_leftovers()
        sandbox.stop()
    if not re.search(rb"1\D*5\D*5\D*5\D*1\D*2\D*3", typed):
        print("warning: the typed pool did not show up in the wizard's output")
    start_bare_s = statistics.median(t for t, _ in bare)
    start_wiz_s = statistics.median(t for t, _ in wizard)
    start_form_s = statistics.median(t for t, _ in form)
    rss_bare = statistics.median(r for _, r in bare) / 1024
    rss_wiz = statistics.median(r for _, r in wizard) / 1024
    start_ratio = start_wiz_s / start_bare_s
    bytes_ratio = wizard_bytes / bare_bytes
    ok_start, ok_bytes = start_ratio <= START_TARGET, bytes_ratio <= BYTES_TARGET
    min_bare, min_wiz = min(t for t, _ in bare), min(t for t, _ in wizard)
    print(f"start-up to first interactive frame (median of {RUNS}, pty 80x24):")
    print(f"  bare Input {start_bare_s * 1000:6.0f} ms   wizard {start_wiz_s * 1000:6.0f} ms")
    print(
        f"  (fastest runs: bare {min_bare * 1000:.0f} ms, wizard {min_wiz * 1000:.0f} ms,"
        f" {min_wiz / min_bare:.2f}x)"
    )
    print(
        f"  ratio {start_ratio:.2f}x (target <= {START_TARGET}x) {'ok' if ok_start else 'MISSED'}"
    )
    print(
        f"  informative: the same form in bare Textual {start_form_s * 1000:.0f} ms,"
        f" {start_form_s / start_bare_s:.2f}x the bare Input; the wizard is"
        f" {start_wiz_s / start_form_s:.2f}x that form"
    )
    print(f"bytes to the terminal per typed character ({len(TYPED)} typed, xterm-256color):")
    print(f"  bare Input {bare_bytes:6.0f}      DID pool {wizard_bytes:6.0f}")
    print(
        f"  ratio {bytes_ratio:.2f}x (target <= {BYTES_TARGET}x) {'ok' if ok_bytes else 'MISSED'}"
    )
    print("peak RSS (informative):")
    print(f"  bare Input {rss_bare:5.1f} MiB   wizard at start {rss_wiz:5.1f} MiB", end="")
    print(f"   ratio {rss_wiz / rss_bare:.2f}x")
    print(f"  wizard signed in, after typing: {wizard_rss_typing / 1024:.1f} MiB")
    print("step change, Next to the next step's first frame (informative):")
    print("  " + "   ".join(f"{step} {took * 1000:.0f} ms" for step, took in steps))
    print(f"  median {statistics.median(t for _, t in steps) * 1000:.0f} ms")
    return 0 if ok_start and ok_bytes else 1


if __name__ == "__main__":
    sys.exit(main())
