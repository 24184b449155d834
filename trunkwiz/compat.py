"""The few Python 3.11 pieces trunkwiz uses, for Python 3.10 as well (Ubuntu 22.04's python3).

On 3.11 and later every name here *is* the standard one (``enum.StrEnum``,
``typing.Self``, ``datetime.UTC``, ``tomllib``, ``asyncio.wait_for``/``asyncio.timeout``);
on 3.10 it is a back-port with the same behaviour: ``tomli`` (the package ``tomllib`` was
made from), ``typing_extensions.Self``, and small shims below. Import them from here, not
from the standard library, so the code runs on both (``make lint`` checks 3.10 with vermin
and mypy).

Time-outs on 3.10: ``asyncio.wait_for`` and ``asyncio.timeout`` raise
``asyncio.TimeoutError``, which only became the built-in ``TimeoutError`` in 3.11. The code
catches the built-in one, so the shims here raise that.

Nothing heavy is imported at start: ``tomllib`` loads on first use (``--version`` loads
none of this module), and ``asyncio`` only inside the time-out helpers.
"""

from __future__ import annotations

import datetime as _dt
import enum
import sys
from collections.abc import Awaitable
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import asyncio

if sys.version_info >= (3, 11):
    from enum import StrEnum  # novm: 3.11+ only
    from typing import Self  # novm: 3.11+ only
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Self

__all__ = ["UTC", "Self", "StrEnum", "timeout", "tomllib", "uncancel", "wait_for"]

_T = TypeVar("_T")

UTC: _dt.timezone = _dt.timezone.utc
"""``datetime.UTC`` (3.11) is this very object."""


class _StrEnum310(str, enum.Enum):
    """``enum.StrEnum`` as 3.11 has it: members are strings, ``str()`` and ``format()``
    give the value, and ``auto()`` gives the member's name in lower case."""

    def __new__(cls, *values: object) -> _StrEnum310:
        if len(values) != 1 or not isinstance(values[0], str):
            raise TypeError(f"{values!r} is not a single string")
        member = str.__new__(cls, values[0])
        member._value_ = values[0]
        return member

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(self, spec)

    @staticmethod
    # Any: the signature enum.Enum declares for this hook
    def _generate_next_value_(name: str, start: int, count: int, last_values: list[Any]) -> str:
        return name.lower()


if sys.version_info < (3, 11):  # pragma: no cover - Python 3.10
    StrEnum = _StrEnum310


async def _wait_for_310(awaitable: Awaitable[_T], timeout: float | None) -> _T:
    """``asyncio.wait_for`` raising the built-in ``TimeoutError`` (as 3.11's does)."""
    import asyncio  # lazy: asyncio ~40 ms, not for every importer

    try:
        return await asyncio.wait_for(awaitable, timeout)
    except asyncio.TimeoutError as exc:
        raise TimeoutError() from exc


def uncancel(task: asyncio.Task[object]) -> None:
    """``task.uncancel()`` (3.11+), after handling a cancellation to go on awaiting. 3.10
    counts no cancellations: a handled one is gone, and there is nothing to undo."""
    if sys.version_info >= (3, 11):
        task.uncancel()


class _Timeout310:
    """``asyncio.timeout`` for 3.10: cancels the task at the deadline and turns that
    cancellation (only that one) into ``TimeoutError``; ``None`` never expires."""

    def __init__(self, delay: float | None) -> None:
        self._delay = delay
        self._handle: asyncio.TimerHandle | None = None
        self._expired = False

    async def __aenter__(self) -> _Timeout310:
        import asyncio  # lazy: asyncio ~40 ms, not for every importer

        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("timeout() should be used inside a task")
        if self._delay is not None:

            def expire() -> None:
                self._expired = True
                task.cancel()

            self._handle = asyncio.get_running_loop().call_later(max(self._delay, 0), expire)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        import asyncio  # lazy: asyncio ~40 ms, not for every importer

        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self._expired and exc_type is asyncio.CancelledError:
            raise TimeoutError() from exc

    def expired(self) -> bool:
        """Whether the deadline passed (as ``asyncio.Timeout.expired``)."""
        return self._expired


if TYPE_CHECKING:
    if sys.version_info >= (3, 11):
        from asyncio import timeout, wait_for  # novm: 3.11+ only

        import tomllib
    else:
        import tomli as tomllib

        timeout = _Timeout310
        wait_for = _wait_for_310
elif sys.version_info < (3, 11):  # pragma: no cover - Python 3.10
    timeout = _Timeout310
    wait_for = _wait_for_310


def __getattr__(name: str) -> Any:  # Any: a module or a function, by the name asked for
    """The names that load a module, on first use: ``tomllib`` (``tomli``, its source, on
    3.10) and, on 3.11+, ``asyncio``'s ``timeout``/``wait_for``."""
    if name == "tomllib":
        if sys.version_info >= (3, 11):
            import tomllib as module  # lazy: on first use only
        else:  # pragma: no cover - Python 3.10
            import tomli as module  # lazy: on first use only
        globals()[name] = module
        return module
    if name in ("timeout", "wait_for"):
        import asyncio  # lazy: asyncio ~40 ms, not for every importer

        globals()[name] = value = getattr(asyncio, name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
