"""Import what the next steps need while the user reads the first one.

The first frame comes quickly because the heavy layers (pydantic models, the PBX client
and httpx) are not imported at start-up. Left alone, their import cost (about 0.4 s of
CPU) would land on the first Next presses instead. ``warm_up`` runs in a thread worker
once the first frame is on screen, so step changes find them imported already. An import
holds the interpreter lock for its whole run, so the thread waits (bounded) before each
module while the user is typing: keystrokes are echoed at full speed.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

#: Modules imported in the background, roughly in the order the steps need them.
WARM_MODULES: tuple[str, ...] = (
    "pydantic",
    "trunkwiz.pbx.errors",
    "trunkwiz.pbx.client",
    "trunkwiz.service.errors",
    "trunkwiz.service.connection",
    "trunkwiz.tui.screens.kind",
    "trunkwiz.domain.trunk",
    "trunkwiz.domain.brands",
    "trunkwiz.service.validate",
    "trunkwiz.tui.screens.basic",
    "trunkwiz.tui.screens.credentials",
    "trunkwiz.tui.screens.options",
    "trunkwiz.tui.widgets.didpool",
    "trunkwiz.service.pools",
    "trunkwiz.tui.screens.tenants",
    "trunkwiz.tui.screens.review",
)


#: Seconds without a key press before the next import starts, and the longest wait.
QUIET_AFTER_KEY = 0.3
MAX_WAIT = 2.0


def wait_until_idle(idle: Callable[[], float], quiet: float, max_wait: float) -> None:
    """Block until ``idle()`` (seconds since the last key) reaches ``quiet``, or ``max_wait``."""
    deadline = time.monotonic() + max_wait
    while (left := quiet - idle()) > 0 and time.monotonic() < deadline:
        time.sleep(min(left, 0.05))


def warm_up(
    modules: tuple[str, ...] = WARM_MODULES,
    idle: Callable[[], float] | None = None,
    quiet: float = QUIET_AFTER_KEY,
    max_wait: float = MAX_WAIT,
) -> list[str]:
    """Import ``modules`` (blocking: call it from a thread worker); the ones that failed.

    ``idle`` returns the seconds since the last key press; before each import the thread
    waits until it is at least ``quiet`` (at most ``max_wait`` per module). A module that
    cannot be imported is only logged here: the step that needs it will raise the real
    error when it imports it.
    """
    failed = []
    for name in modules:
        if idle is not None:
            wait_until_idle(idle, quiet, max_wait)
        try:
            importlib.import_module(name)
        except Exception:  # reported again, properly, by the step that needs it
            log.debug("warm-up import of %s failed", name, exc_info=True)
            failed.append(name)
    return failed
