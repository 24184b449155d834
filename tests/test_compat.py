"""trunkwiz.compat: the 3.10 back-ports behave as the 3.11 originals, the rest of the code
uses them (not the 3.11-only standard names), and none of it costs start-up time.

The back-ports are plain code that runs on any Python, so they are run here against the
originals on this machine's Python; ``make lint`` checks the package for 3.10 statically.
"""

from __future__ import annotations

import ast
import asyncio
import datetime
import enum
import json
import subprocess
import sys
from pathlib import Path

import pytest

from trunkwiz import compat
from trunkwiz.compat import _StrEnum310, _Timeout310, _wait_for_310

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "trunkwiz"


def _pair(base: type) -> type[enum.Enum]:
    return base("Kind", {"REGISTER": "register", "IP": "ip", "AUTO": enum.auto()})  # type: ignore[no-any-return]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="compares with enum.StrEnum (3.11+)")
def test_strenum_backport_behaves_as_the_standard_one() -> None:
    ours, std = _pair(_StrEnum310), _pair(enum.StrEnum)  # novm
    for a, b in zip(ours, std):  # noqa: B905
        assert (a.name, a.value) == (b.name, b.value)
        assert str(a) == str(b) == a.value
        assert f"{a}|{a:>10}|{a!s}" == f"{b}|{b:>10}|{b!s}"
        assert a == b.value and isinstance(a, str)
        assert json.dumps(a) == json.dumps(b)
        assert repr(a) == repr(b)
    assert ours("ip") is ours.IP and ours["AUTO"].value == "auto"
    with pytest.raises(TypeError):
        _StrEnum310("Bad", {"ONE": 1})
    if sys.version_info >= (3, 11):
        assert compat.StrEnum is enum.StrEnum  # novm


def test_utc_and_tomllib_are_the_standard_ones() -> None:
    assert compat.UTC is datetime.timezone.utc
    if sys.version_info >= (3, 11):
        import tomllib  # novm

        assert compat.tomllib is tomllib
        assert compat.wait_for is asyncio.wait_for
        assert compat.timeout is asyncio.timeout  # novm
    assert compat.tomllib.loads('a = "b"') == {"a": "b"}
    with pytest.raises(AttributeError):
        _ = compat.no_such_name  # type: ignore[attr-defined]


async def test_wait_for_backport_raises_the_builtin_timeout_error() -> None:
    assert await _wait_for_310(asyncio.sleep(0, "done"), 1) == "done"
    with pytest.raises(TimeoutError) as raised:
        await _wait_for_310(asyncio.sleep(10), 0.01)
    assert type(raised.value) is TimeoutError

    async def outer() -> None:
        await _wait_for_310(asyncio.sleep(10), 10)

    task = asyncio.create_task(outer())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):  # a cancellation stays one
        await task


async def test_timeout_backport_cancels_the_body_and_only_its_own_cancel() -> None:
    loop = asyncio.get_running_loop()
    async with _Timeout310(1) as cm:
        await asyncio.sleep(0)
    assert not cm.expired()
    async with _Timeout310(None):
        await asyncio.sleep(0.01)

    started = loop.time()
    reached_end = False
    with pytest.raises(TimeoutError) as raised:
        async with _Timeout310(0.05) as cm:
            await asyncio.sleep(10)
            reached_end = True
    assert type(raised.value) is TimeoutError and cm.expired() and not reached_end
    assert loop.time() - started < 5
    await asyncio.sleep(0)  # the task goes on after the time-out

    async def body() -> None:
        async with _Timeout310(10):
            await asyncio.sleep(10)

    task = asyncio.create_task(body())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):  # not ours: not a time-out
        await task


async def test_uncancel_undoes_a_handled_cancellation() -> None:
    async def body() -> str:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            me = asyncio.current_task()
            assert me is not None
            compat.uncancel(me)
            if sys.version_info >= (3, 11):
                assert me.cancelling() == 0
            await asyncio.sleep(0)  # awaiting still works
            return "rolled back"
        return "not cancelled"

    task = asyncio.create_task(body())
    await asyncio.sleep(0)
    task.cancel()
    assert await task == "rolled back"


#: Standard names that are 3.11+ (or, for time-outs, raise ``asyncio.TimeoutError`` on
#: 3.10, which ``except TimeoutError`` does not catch there): trunkwiz.compat has them.
USE_COMPAT = {
    ("enum", "StrEnum"),
    ("typing", "Self"),
    ("datetime", "UTC"),
    ("asyncio", "timeout"),
    ("asyncio", "wait_for"),
    ("asyncio", "TaskGroup"),
    ("asyncio", "Runner"),
}


def _uses(path: Path) -> list[str]:
    found: list[str] = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found += [
                f"{node.lineno}: from {node.module} import {a.name}"
                for a in node.names
                if (node.module, a.name) in USE_COMPAT
            ]
        elif isinstance(node, ast.Import):
            found += [f"{node.lineno}: import tomllib" for a in node.names if a.name == "tomllib"]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and ((node.value.id, node.attr) in USE_COMPAT or (node.attr == "UTC"))
            and node.value.id in {"asyncio", "enum", "typing", "datetime", "dt"}
        ):
            found.append(f"{node.lineno}: {node.value.id}.{node.attr}")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "uncancel"
            and not (isinstance(node.value, ast.Name) and node.value.id == "compat")
        ):
            found.append(f"{node.lineno}: .uncancel()")
    return found


def test_the_package_takes_3_11_pieces_from_compat() -> None:
    if not PACKAGE.is_dir():
        pytest.skip("the source is not here (the tests run against an installed wheel)")
    bad = [
        f"{path.relative_to(ROOT)}:{use}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "compat.py"
        for use in _uses(path)
    ]
    assert bad == []


def test_version_loads_none_of_the_back_ports() -> None:
    """``trunkwiz --version`` stays as lean as before (nothing of compat, asyncio, toml)."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "trunkwiz", "--version"],
        capture_output=True, text=True, timeout=60, check=True, cwd=ROOT,
    )  # fmt: skip
    loaded = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines()}
    assert not loaded & {"trunkwiz.compat", "asyncio", "tomllib", "tomli", "typing_extensions"}
    assert out.stdout.startswith("trunkwiz ")
