"""Tenants (``Tenant``, ``GET /tenants``) and the tenants a trunk is shared with
(``Assignee``, ``GET /providers/{id}/assignees``)."""

from __future__ import annotations

from pydantic import field_validator

from trunkwiz.pbx.objects._read import CallCount, IdText, PbxObject


class Assignee(PbxObject):
    """A tenant a trunk is shared with: an item of ``GET /providers/{id}/assignees``, or
    ``GET /providers/{id}/assignees/{tenant_id}`` (which has no ``tenant_id``)."""

    tenant_id: IdText = ""
    """Empty when the PBX gives none (callers skip such an item)."""
    did_numbers: IdText = ""
    """The tenant's DID pool on this trunk (``3000;12000-18000``); empty when none."""
    concurrency: CallCount = None
    """The tenant's cap of concurrent calls; None when the PBX gives none."""

    @field_validator("concurrency")
    @classmethod
    def _cap(cls, number: int | None) -> int | None:
        if number is not None and number < 0:
            raise ValueError("the PBX sent a negative number of calls")
        return number

    @property
    def cap(self) -> int:
        """``concurrency``, 0 when the PBX gives none."""
        return self.concurrency or 0


class Tenant(PbxObject):
    """One tenant of the PBX (an item of ``GET /tenants``, or ``GET /tenants/{id}``)."""

    id: IdText = ""
    name: IdText = ""
    domain: IdText = ""
    """The tenant's SIP domain; empty when the PBX gives none."""

    @property
    def label(self) -> str:
        """The tenant's name, or its id when it has none."""
        return self.name or self.id
