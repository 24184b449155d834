"""Fixtures of the command-line tests: a recorded sandbox PBX, an in-memory keyring, a
runner for ``trunkwiz.cli.main`` and a guard that no secret reaches output or files."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.cli.fake_keyring import MemoryKeyring
from trunkwiz.cli import main, passwords
from trunkwiz.sandbox import server as server_module
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, DEFAULT_TENANT_PASSWORD, SandboxServer
from trunkwiz.store.secrets import SecretStore

REPO = Path(__file__).resolve().parents[2]
SIP_PASSWORD = "sip-Secret-4711"
SECRETS = (DEFAULT_ADMIN_PASSWORD, DEFAULT_TENANT_PASSWORD, SIP_PASSWORD)

REGISTER_TRUNK = """\
[[trunk]]
name = "Acme SIP"
kind = "register"
hostname = "sip.acme.example"
auth_id = "100200"
[trunk.options]
keep_alive = true
[[trunk.tenants]]
tenant = "acme-001.sandbox.test"
did_numbers = "16468097065-16468097066;16468097070"
concurrency = 20
[[trunk.tenants]]
tenant = "Bluebird Logistics 002"
did_numbers = "16468097080"
"""

IP_TRUNK = """\
[[trunk]]
name = "Carrier IP"
kind = "ip"
hostname = "203.0.113.5"
additional_ips = ["198.51.100.0/24"]
[[trunk.tenants]]
tenant = "cedar-003.sandbox.test"
did_numbers = "17185550100-17185550199"
"""


class Recorder:
    """Every HTTP request the sandbox received: (method, path)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []

    def mutating(self) -> list[tuple[str, str]]:
        """Requests that change the PBX (anything but reads and sign-in)."""
        return [
            (m, p)
            for m, p in self.requests
            if m not in {"GET", "HEAD"} and not p.startswith("/api/auth/")
        ]

    def clear(self) -> None:
        self.requests.clear()

    def wrap(self, app: Any) -> Any:
        async def recorded(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                self.requests.append((scope["method"], scope["path"]))
            await app(scope, receive, send)

        return recorded


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    found = Recorder()
    real = server_module.create_app
    monkeypatch.setattr(server_module, "create_app", lambda *a, **k: found.wrap(real(*a, **k)))
    return found


@pytest.fixture
def sandbox(recorder: Recorder) -> Iterator[SandboxServer]:
    server = SandboxServer(tenants=130).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def keyring_backend(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    """The keyring every in-process command uses (never the real one)."""
    backend = MemoryKeyring()
    monkeypatch.setattr(passwords, "open_secret_store", lambda: SecretStore(backend=backend))
    return backend


@pytest.fixture
def outputs(tmp_path: Path) -> Iterator[list[str]]:
    """Everything the commands printed; after the test, it and every file under
    ``tmp_path`` are scanned: no password may appear anywhere."""
    seen: list[str] = []
    yield seen
    texts = list(seen)
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.name.endswith(".keyring.json"):
            texts.append(path.read_bytes().decode("utf-8", "replace"))
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"a password leaked: {text[:200]!r}"


@dataclass
class Result:
    code: int
    out: str
    err: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.out + self.err


Cli = Callable[..., Result]


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    keyring_backend: MemoryKeyring,
    outputs: list[str],
) -> Cli:
    """``cli(*argv, stdin="")`` runs ``trunkwiz --config TMP *argv`` in-process."""
    config = tmp_path / "config"

    def run(*argv: str, stdin: str = "") -> Result:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(["--config", str(config), *argv])
        captured = capsys.readouterr()
        outputs.append(captured.out + captured.err)
        return Result(code, captured.out, captured.err)

    return run


def admin_stdin(*trunks: tuple[str, str]) -> str:
    """``--password-stdin`` text: the sandbox admin password, then NAME<TAB>PASSWORD lines."""
    return "\n".join([DEFAULT_ADMIN_PASSWORD, *(f"{n}\t{p}" for n, p in trunks)]) + "\n"


def apply_trunks(cli: Cli, sandbox: SandboxServer, file: Path, trunks: str) -> Path:
    """``trunks`` written to ``file`` and applied to ``sandbox`` as the admin (the Register
    trunk's password given too); fails the test unless the apply succeeded."""
    file.write_text(trunks)
    r = cli(
        "--pbx",
        sandbox.url,
        "apply",
        str(file),
        "--password-stdin",
        stdin=admin_stdin(("Acme SIP", SIP_PASSWORD)),
    )
    assert r.code == 0, r.err
    return file


ODD = "zz-odd-value-zz"
"""A value a malformed PBX answer carries: no message and no file may repeat it."""


def apply_and_export(cli: Cli, url: str, file: str, out: Path) -> tuple[Result, Result]:
    """``apply FILE`` then ``export -o OUT`` against the PBX at ``url``, signed in as the
    admin: what a malformed answer does to both commands."""
    applied = cli("--pbx", url, "apply", file, "--password-stdin", stdin=admin_stdin())
    exported = cli("--pbx", url, "export", "-o", str(out), "--password-stdin", stdin=admin_stdin())
    return applied, exported


def run_subprocess(
    argv: list[str], *, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``python -m trunkwiz *argv`` in a child process (bounded)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "trunkwiz", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env=full_env,
        timeout=timeout,
        check=False,
    )
