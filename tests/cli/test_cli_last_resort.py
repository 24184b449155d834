"""The command line's last resort: an exception no command caught ends in ONE line on
stderr (what happened, control characters visible, where the log is) and exit 1; the
traceback, without local variables, goes to a private log. Never a traceback on the
terminal."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest

from trunkwiz.cli import main, passwords

LOCAL_VALUE = "-".join(("only", "a", "local", "cli", "5d2b"))


class FailingKeyring:
    """A keyring store whose backend fails like a bug would (not one of its known errors)."""

    def delete(self, key: str) -> bool:
        secret_local = LOCAL_VALUE
        raise RuntimeError(f"forced failure \x1b[31m{len(secret_local)}")


ARGV = ["secret", "delete", "pbx", "admin", "--pbx", "https://127.0.0.1:8887"]


def test_an_uncaught_exception_is_one_line_and_a_private_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(passwords, "open_secret_store", FailingKeyring)
    config = tmp_path / "config"
    code = main([*ARGV, "--config", str(config)])
    out, err = capfd.readouterr()
    assert code == 1
    assert out == ""
    assert LOCAL_VALUE not in err and "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("trunkwiz: unexpected error: RuntimeError: forced failure \\x1b[31m")
    (log,) = (config / "logs").iterdir()
    assert f"Details in {log}" in lines[0]
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "in delete" in text
    assert LOCAL_VALUE not in text and "\x1b" not in text


def test_a_planted_link_is_never_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """A log name already taken (a link someone planted to a file of the user's) is left
    alone: the log is a new file (``O_EXCL|O_NOFOLLOW``)."""
    from trunkwiz.store import crashlog

    monkeypatch.setattr(passwords, "open_secret_store", FailingKeyring)
    config = tmp_path / "config"
    logs = config / "logs"
    logs.mkdir(parents=True, mode=0o700)
    config.chmod(0o700)
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    frozen = "20300101T000000Z"

    class Clock:
        @staticmethod
        def now(tz: Any) -> Any:
            from datetime import datetime

            return datetime.strptime(frozen, "%Y%m%dT%H%M%SZ").replace(tzinfo=tz)

    monkeypatch.setattr(crashlog, "datetime", Clock)
    import os

    (logs / f"crash-{frozen}-{os.getpid()}.log").symlink_to(victim)
    assert main([*ARGV, "--config", str(config)]) == 1
    assert victim.read_text() == "keep me"
    err = capfd.readouterr().err
    assert f"crash-{frozen}-{os.getpid()}-1.log" in err
