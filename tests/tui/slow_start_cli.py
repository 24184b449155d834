"""``python -m tests.tui.slow_start_cli ARGS``: trunkwiz's own command line whose wizard
services take until a signal to be built (a test's fake of ``build_services``): it says
``BUILDING`` and waits, so a test can press Ctrl+C while the wizard is still starting."""

from __future__ import annotations

import sys
import threading
from typing import Any

from trunkwiz.cli import main, wizard


def slow_build_services(*args: Any, **kwargs: Any) -> Any:
    print("BUILDING", file=sys.stderr, flush=True)
    threading.Event().wait()  # until a signal interrupts it


if __name__ == "__main__":
    wizard.build_services = slow_build_services  # type: ignore[assignment]
    sys.exit(main(sys.argv[1:]))
