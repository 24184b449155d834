"""What a handler gets: the services of the sandbox and the checked request."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from trunkwiz.sandbox.auth import Accounts, Session, Tokens
from trunkwiz.sandbox.errors import forbidden, invalid
from trunkwiz.sandbox.faults import Faults
from trunkwiz.sandbox.spec import Operation, validate
from trunkwiz.sandbox.state import SandboxState
from trunkwiz.sandbox.status import StatusHub

_INT = re.compile(r"-?\d+")


@dataclass
class Services:
    """The long-lived objects every handler may use."""

    state: SandboxState
    accounts: Accounts
    tokens: Tokens
    faults: Faults
    status: StatusHub
    persist: Callable[[], None] = lambda: None


@dataclass
class Ctx:
    """One checked request: who is calling, its query options, path parameters and body."""

    services: Services
    op: Operation
    session: Session | None
    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None

    @property
    def state(self) -> SandboxState:
        """The PBX data."""
        return self.services.state

    @property
    def user(self) -> Session:
        """The signed-in session (secured operations always have one)."""
        assert self.session is not None
        return self.session

    @property
    def system_for_trunks(self) -> bool:
        """True when trunk calls act at system level: the System Admin, unless it switched
        to a tenant while ``faults.switch_scopes_trunks`` is on (then it acts as that
        tenant's admin for trunks)."""
        if not self.user.is_system:
            return False
        return not (self.services.faults.switch_scopes_trunks and self.user.tenant_id)

    def require_system_for_trunks(self) -> None:
        """403 unless trunk calls act at system level (see :attr:`system_for_trunks`)."""
        if not self.system_for_trunks:
            raise forbidden("Only the system administrator can do this.")

    def require_system(self) -> None:
        """403 unless the System Admin is calling."""
        if not self.user.is_system:
            raise forbidden("Only the system administrator can do this.")

    def tenant_scope(self) -> str:
        """The tenant the caller works in (own tenant, or the one switched to)."""
        tenant = self.user.tenant_id
        if tenant is None:
            raise invalid("Select a tenant first (POST /tenants/switch?id=<tenant id>).")
        return tenant


def parse_query(op: Operation, raw: Mapping[str, str]) -> dict[str, Any]:
    """Query options of ``op`` parsed and checked against their schemas, defaults applied."""
    out: dict[str, Any] = {}
    for name, schema in op.query.items():
        if name not in raw:
            if "default" in schema:
                out[name] = schema["default"]
            continue
        text = raw[name]
        value: Any = text
        kind = schema.get("type")
        if kind == "integer":
            if not _INT.fullmatch(text.strip()):
                raise invalid(f"{name} must be an integer", name)
            value = int(text)
        elif kind == "boolean":
            if text.lower() not in {"true", "false"}:
                raise invalid(f"{name} must be true or false", name)
            value = text.lower() == "true"
        problems = validate(value, schema, name)
        if problems:
            raise invalid(f"{name} {problems[0].message}", name)
        out[name] = value
    return out


@dataclass(frozen=True)
class Raw:
    """A non-JSON reply body (``GET /providers/export``)."""

    content: bytes
    media_type: str
    headers: dict[str, str] = field(default_factory=dict)
