"""``python -m tests.tui.crashing_cli ARGS``: trunkwiz's own command line, except that
signing in to the PBX fails with an unexpected error (a test's fake of
``Services.sign_in``, for the crash guard's test through a real terminal)."""

from __future__ import annotations

import sys
from typing import Any

from trunkwiz.cli import main
from trunkwiz.service.services import Services

#: The value of a local variable of the failing call: it must never reach the terminal.
LOCAL_VALUE = "-".join(("only", "a", "local", "pty", "9c1e"))


async def failing_sign_in(self: Services, *args: Any, **kwargs: Any) -> Any:
    secret_local = LOCAL_VALUE
    raise ValueError(f"forced failure while signing in \x1b]0;retitled\x07{len(secret_local)}")


if __name__ == "__main__":
    Services.sign_in = failing_sign_in  # type: ignore[method-assign]
    sys.exit(main(sys.argv[1:]))
