"""The registration status panel: polls the trunk's status and explains OFFLINE.

It owns its polling worker (cancelled when the panel goes). Time is read from an injected
clock so tests and screenshots are deterministic. When a register trunk stays OFFLINE
longer than ``offline_after``, ``diagnose`` (the SIP probe) is run once and its words shown.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from trunkwiz.domain.text import visible
from trunkwiz.service.errors import ServiceError

Poll = Callable[[], Awaitable[str]]
Diagnose = Callable[[], Awaitable[str]]


class StatusPanel(Static):
    """``Status: ONLINE — 4 s since submit — the PBX reports: …``, refreshed by polling."""

    DEFAULT_CSS = """
    StatusPanel { height: auto; border: round $primary; padding: 0 1; margin-top: 1; }
    """

    class Settled(Message):
        """Polling ended: ``status`` is the last status seen, ``reason`` why it stopped."""

        def __init__(self, status: str, reason: str) -> None:
            super().__init__()
            self.status = status
            self.reason = reason

    def __init__(
        self,
        *,
        poll: Poll,
        clock: Callable[[], float],
        interval: float,
        timeout: float,
        offline_after: float | None = None,
        diagnose: Diagnose | None = None,
        tick: float = 1.0,
        submitted: bool = True,
        **kwargs: Any,  # Any: Textual's Static options, passed on as they are
    ) -> None:
        super().__init__("Status: reading it from the PBX…", **kwargs)
        self._poll, self._clock = poll, clock
        self._interval, self._timeout = interval, timeout
        self._offline_after, self._diagnose = offline_after, diagnose
        self._tick = tick
        self.submitted = submitted
        """False after a Submit that had nothing to send: the time is not "since submit"."""
        self.started = clock()
        self.status = ""
        self.polls = 0
        self.reported = ""
        self.diagnosis = ""

    def on_mount(self) -> None:
        self.run_worker(self._watch(), exclusive=True, group="status")

    async def _watch(self) -> None:
        diagnosed = False
        while True:
            try:
                self.status = await self._poll()
                self.reported = f"the PBX reports {self.status}"
            except ServiceError as exc:
                self.status = "UNKNOWN"
                self.reported = f"could not read the status: {exc}"
            self.polls += 1
            elapsed = self._clock() - self.started
            if self.status == "ONLINE":
                self._show(elapsed)
                self.post_message(self.Settled("ONLINE", "online"))
                return
            if (
                not diagnosed
                and self._diagnose is not None
                and self._offline_after is not None
                and elapsed >= self._offline_after
            ):
                diagnosed = True
                self.diagnosis = await self._probe(elapsed, self._diagnose)
            self._show(elapsed, note=self._waiting_note(elapsed, diagnosed))
            if elapsed >= self._timeout:
                self.post_message(self.Settled(self.status, "timeout"))
                return
            await asyncio.sleep(self._interval)

    def _waiting_note(self, elapsed: float, diagnosed: bool) -> str:
        """While OFFLINE and before the probe: when the carrier will be tested."""
        if diagnosed or self._diagnose is None or self._offline_after is None:
            return ""
        if self.status == "ONLINE" or elapsed >= self._timeout:
            return ""
        return (
            f"Waiting for the PBX to register; the carrier is tested from this host if it is "
            f"still not ONLINE after {int(self._offline_after)} s."
        )

    async def _probe(self, elapsed: float, diagnose: Diagnose) -> str:
        """Run the probe, saying so at once and how long it has been running."""
        started = self._clock()
        task = asyncio.ensure_future(diagnose())
        try:
            while True:
                took = int(self._clock() - started)
                self._show(elapsed, note=f"Testing the carrier from this host… {took} s")
                done, _ = await asyncio.wait({task}, timeout=self._tick)
                if done:
                    return task.result()
        finally:
            task.cancel()  # the panel went (its worker was cancelled): so does the probe

    def _show(self, elapsed: float, note: str = "") -> None:
        text = Text()
        style = "bold green" if self.status == "ONLINE" else "bold red"
        text.append("Status: ")
        text.append(visible(self.status) or "…", style=style)
        if self.submitted:
            text.append(f"   {int(elapsed)} s since submit\n", style="dim")
        else:
            text.append("   nothing was submitted; this is the trunk as it is\n", style="dim")
        reported = visible(self.reported, multiline=True)  # the PBX's words
        text.append(reported[:1].upper() + reported[1:] + ".")
        if self.status != "ONLINE" and elapsed >= self._timeout:
            text.append(f"\nStopped watching after {int(self._timeout)} s.", style="dim")
        if note:
            text.append("\n" + note, style="italic")
        if self.diagnosis and self.status != "ONLINE":
            text.append("\nDiagnosis: ", style="bold")
            text.append(visible(self.diagnosis, multiline=True))
        self.update(text)
