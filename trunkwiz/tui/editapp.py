"""``EditApp``: the wizard as ``trunkwiz edit NAME`` runs it, opening one trunk.

Once signed in, the Kind step opens NAME. When it cannot (no such trunk, the trunk list
or the trunk itself cannot be read, a Tenant Admin asking for a shared trunk) the step
calls ``refuse_edit``: the App leaves at once with a non-zero code and ``refusal`` holds
the one line saying why, which ``trunkwiz.cli.edit`` prints once the terminal is back. The
user never lands in a new-trunk flow they did not ask for.
"""

from __future__ import annotations

from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp


class EditApp(TrunkWizApp):
    """The wizard opening trunk ``name`` for editing once signed in."""

    def __init__(self, services: Services, name: str, resume_command: str = "trunkwiz") -> None:
        super().__init__(services, open_trunk=name, resume_command=resume_command)
        self.refusal: str | None = None
        """Why NAME was not opened (one line, the PBX's text as is), or None."""

    def refuse_edit(self, line: str, code: int) -> None:
        """NAME cannot be opened: leave with ``code`` (the first refusal wins)."""
        if self.refusal is None:
            self.refusal = line
            self.exit(code, return_code=code)
