"""Trunk status: honest ONLINE/OFFLINE, with a pluggable source for register trunks.

Rules (as the PBX shows them): a disabled trunk is OFFLINE; an IP-based trunk is ONLINE;
a register trunk with ``registration: false`` is ONLINE (the KB: such trunks, e.g. Twilio,
"always show online"); any other trunk asks the :class:`StatusSource`. The sandbox
server's default source is :class:`trunkwiz.sandbox.registrations.SipRegistrationStatus`
(real REGISTERs); :class:`NoRegistration` sends no SIP and answers OFFLINE with that
reason, never a made-up ONLINE.

A source may also follow trunk changes so it can keep a real REGISTER binding: the
sandbox calls ``trunk_changed(provider, password)`` after every create or update (and for
every stored trunk at start), ``trunk_removed(provider_id)`` after a destroy, and
``aclose()`` (or ``close()``) at stop. ``provider`` is the trunk's detail dict
(``GET /providers/{id}`` form); ``password`` is a SecretStr or None. The hooks run on the
sandbox's event-loop thread and must not block (schedule work with
``asyncio.get_running_loop()``). A hook that raises is logged and ignored; it never fails
an API call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from pydantic import SecretStr

log = logging.getLogger("trunkwiz.sandbox.status")

ONLINE = "ONLINE"
OFFLINE = "OFFLINE"
NO_SIP_LAYER = "no SIP registration layer is attached to this sandbox"


@runtime_checkable
class StatusSource(Protocol):
    """Says whether a register trunk is registered, and why not."""

    def status(self, provider: Mapping[str, Any]) -> tuple[str, str]:
        """``(ONLINE|OFFLINE, reason)`` for the trunk whose detail dict is ``provider``."""
        ...


class NoRegistration:
    """A source without SIP: nothing registers, so every register trunk is OFFLINE."""

    def status(self, provider: Mapping[str, Any]) -> tuple[str, str]:
        """Always OFFLINE with the reason."""
        return OFFLINE, NO_SIP_LAYER


class StatusHub:
    """Applies the status rules and forwards trunk changes to the source (None: no SIP)."""

    def __init__(
        self, source: StatusSource | Callable[[Mapping[str, Any]], tuple[str, str]] | None
    ) -> None:
        if source is None:
            source = NoRegistration()
        self.source = source

    def status(self, provider: Mapping[str, Any]) -> tuple[str, str]:
        """The trunk's status and the reason, logged to ``trunkwiz.sandbox.status``."""
        state, reason = self._decide(provider)
        log.info("trunk %s (%s): %s, %s", provider.get("id"), provider.get("name"), state, reason)
        return state, reason

    def _decide(self, provider: Mapping[str, Any]) -> tuple[str, str]:
        if not provider.get("enabled", True):
            return OFFLINE, "the trunk is disabled"
        mode = provider.get("auth_mode")
        if mode == "IP_AUTH":
            return ONLINE, "IP-based trunk: no registration is needed"
        if mode == "REGISTER_AUTH" and not provider.get("registration", True):
            return ONLINE, "registration is turned off for this trunk"
        ask = getattr(self.source, "status", None)
        fn = ask if callable(ask) else self.source
        try:
            state, reason = fn(provider)  # type: ignore[operator]
        except Exception as exc:
            log.warning("status source failed for trunk %s: %s", provider.get("id"), exc)
            return OFFLINE, f"status source failed: {type(exc).__name__}"
        if state not in (ONLINE, OFFLINE):
            log.warning("status source answered %r; reported OFFLINE", state)
            return OFFLINE, f"status source answered {state!r}"
        return state, str(reason)

    def changed(self, provider: Mapping[str, Any], password: str | None) -> None:
        """Tell the source a trunk was created or updated."""
        hook = getattr(self.source, "trunk_changed", None)
        if callable(hook):
            secret = SecretStr(password) if password is not None else None
            self._safely(hook, dict(provider), secret)

    def removed(self, provider_id: str) -> None:
        """Tell the source a trunk was destroyed."""
        hook = getattr(self.source, "trunk_removed", None)
        if callable(hook):
            self._safely(hook, provider_id)

    @staticmethod
    def _safely(hook: Callable[..., object], *args: object) -> None:
        try:
            hook(*args)
        except Exception as exc:
            log.warning("status source hook %s failed: %s", getattr(hook, "__name__", hook), exc)
