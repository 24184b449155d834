"""Import what the next steps need while the user reads the first one.

The first frame comes quickly because the heavy layers (pydantic models, the PBX client
and httpx) are not imported at start-up. Left alone, their import cost (about 0.4 s of
CPU) would land on the first Next presses instead. ``warm_up`` runs in a thread worker
once the first frame is on screen, so step changes find them imported already.
"""

from __future__ import annotations

import importlib
import logging

log = logging.getLogger(__name__)

#: Modules imported in the background, roughly in the order the steps need them.
WARM_MODULES: tuple[str, ...] = (
    "pydantic",
    "trunkwiz.pbx.errors",
    "trunkwiz.pbx.client",
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


def warm_up(modules: tuple[str, ...] = WARM_MODULES) -> list[str]:
    """Import ``modules`` (blocking: call it from a thread worker); the ones that failed.

    A module that cannot be imported is only logged here: the step that needs it will
    raise the real error when it imports it.
    """
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # reported again, properly, by the step that needs it
            log.debug("warm-up import of %s failed", name, exc_info=True)
            failed.append(name)
    return failed
