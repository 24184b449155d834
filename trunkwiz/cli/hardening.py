"""No core dumps: a crash must not leave the PBX or trunk passwords on disk.

``no_core_dumps()`` runs first thing in ``trunkwiz.cli.main``, for every command (the
wizard, demo, apply, secret, status, probe, export... all may hold a password):

- ``RLIMIT_CORE`` soft and hard 0: the kernel writes no ``core`` file, and a process this
  one starts inherits the limit;
- on Linux, ``prctl(PR_SET_DUMPABLE, 0)``: no dump at all, also when ``core_pattern``
  pipes dumps to a helper (systemd-coredump, apport), which the limit alone does not stop;
  it also keeps other processes of the same user from reading this one's memory
  (``/proc/PID/mem``, ``environ``, ptrace). ``execve`` of another program resets it.

Start-up cost: ``prctl`` is called through ``_ctypes`` (the C module, about 0.4 ms to
import) instead of the ``ctypes`` package (about 2 ms); the package is the fallback.
Nothing here raises: a platform without these calls runs as before.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3


def no_core_dumps() -> None:
    """Turn core dumps off for this process (and what it starts); never raises."""
    try:
        import resource  # lazy: not on Windows (ImportError caught)

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            prctl(PR_SET_DUMPABLE, 0)
        except (ImportError, AttributeError, OSError, TypeError):
            return


def prctl(option: int, arg: int) -> int:
    """``prctl(option, arg, 0, 0, 0)`` of the C library; its result (-1 on error)."""
    return int(_prctl()(option, arg, 0, 0, 0))


def _prctl() -> Callable[[int, int, int, int, int], int]:
    try:
        return _from_c_module()
    except (ImportError, AttributeError, OSError, TypeError):
        import ctypes  # lazy: ~2 ms on every command, a rare fallback

        return ctypes.CDLL(None, use_errno=True).prctl


def _from_c_module() -> Callable[[int, int, int, int, int], int]:
    """``prctl`` through ``_ctypes`` alone (what ``ctypes.CDLL(None).prctl`` builds)."""
    c: Any = __import__("_ctypes")  # Any: _ctypes's private classes, typed by no stub

    class _Int(c._SimpleCData):  # type: ignore[misc]
        _type_ = "i"

    class _Function(c.CFuncPtr):  # type: ignore[misc]
        _flags_ = c.FUNCFLAG_CDECL | c.FUNCFLAG_USE_ERRNO
        _restype_ = _Int

    class _Library:
        _handle = c.dlopen(None, c.RTLD_LOCAL)

    return _Function(("prctl", _Library()))
