"""Tenants as the wizard lists them: natural order and a filter that says when nothing
matches."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trunkwiz.domain.ordering import natural_key

if TYPE_CHECKING:
    from trunkwiz.service.connection import TenantInfo


def in_natural_order(tenants: Iterable[TenantInfo]) -> list[TenantInfo]:
    """``Acme Dental 121`` before ``Acme Dental 1081`` (then by SIP domain and id)."""
    return sorted(tenants, key=lambda t: (natural_key(t.name), t.domain.casefold(), t.id))


@dataclass(frozen=True)
class TenantFilter:
    """The tenants a filter text matches, and what to say about it."""

    shown: list[TenantInfo]
    message: str
    """Empty when something matched (or nothing was typed); else why the list is empty."""


def filter_tenants(tenants: list[TenantInfo], text: str) -> TenantFilter:
    """Tenants whose name or SIP domain contains ``text`` (any case), in the given order."""
    needle = text.strip().casefold()
    shown = [t for t in tenants if needle in t.name.casefold() or needle in t.domain.casefold()]
    message = ""
    if not shown and needle:
        message = f"No tenant matches '{text.strip()}' (by name or SIP domain)."
    elif not shown:
        message = "The PBX has no tenants."
    return TenantFilter(shown, message)
