"""Tenants as the wizard lists them (``TenantInfo``): natural order, and a filter that
says when nothing matches and stays fast on a PBX with 10,000 tenants (``TenantIndex``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trunkwiz.domain.ordering import natural_key


@dataclass(frozen=True)
class TenantInfo:
    """A tenant as the Tenants step lists it."""

    id: str
    name: str
    domain: str


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
    index = TenantIndex(tenants)
    found = index.matching(text)
    return TenantFilter([tenants[i] for i in found], index.message(text, len(found)))


class TenantIndex:
    """The tenants a filter can show, prepared once: each tenant's name and SIP domain in
    one folded text, so a keystroke is one substring test per candidate, and a filter that
    only grows (``acme`` then ``acme d``) looks only among the previous matches."""

    def __init__(self, tenants: list[TenantInfo]) -> None:
        self.tenants = tenants
        self._texts = [f"{t.name}\n{t.domain}".casefold() for t in tenants]
        self._last: tuple[str, list[int]] = ("", list(range(len(tenants))))

    def matching(self, text: str) -> list[int]:
        """Positions (in the given order) of the tenants whose name or domain contains
        ``text``, any case."""
        needle = text.strip().casefold()
        last_needle, last = self._last
        pool = last if needle.startswith(last_needle) else range(len(self._texts))
        texts = self._texts
        found = [i for i in pool if needle in texts[i]] if needle else list(pool)
        self._last = (needle, found)
        return found

    def message(self, text: str, matches: int) -> str:
        """Why the list is empty ("" when something matched or nothing was typed)."""
        if matches:
            return ""
        if text.strip():
            return f"No tenant matches '{text.strip()}' (by name or SIP domain)."
        return "The PBX has no tenants."
