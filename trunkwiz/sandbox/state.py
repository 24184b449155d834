"""The sandbox PBX's data: tenants, transports, trunks, assignments, rules; JSON on disk.

Everything lives in plain dicts keyed by API field names so replies are built without
translation. A trunk's password is held beside its record (a PBX must know it to
register); it never appears in a reply or a log. With a state file the whole state is
written atomically (temp file + rename) with mode 0600 after every change, because it
holds those passwords, exactly as a real PBX's database does.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trunkwiz.domain.didpool import DidPool
from trunkwiz.domain.jsonbounds import loads as json_loads
from trunkwiz.sandbox.assignee_pools import AssigneePools
from trunkwiz.sandbox.seed import ID_BASE, make_id, seed_tenants, seed_transports

FORMAT = 1


@dataclass
class TrunkRecord:
    """One trunk ("provider"): its API fields, owner, password and tenant assignments."""

    data: dict[str, Any]
    owner_tenant_id: str | None = None
    password: str | None = field(default=None, repr=False)
    assignees: dict[str, dict[str, Any]] = field(default_factory=dict)
    _pools: AssigneePools | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def pools(self) -> AssigneePools:
        """The tenants' parsed DID pools, indexed (built on first use, then kept in step).

        Change ``assignees`` only through :meth:`set_assignee` / :meth:`remove_assignee`.
        """
        if self._pools is None or len(self._pools) != len(self.assignees):
            self._pools = AssigneePools.of(self.assignees)
        return self._pools

    def set_assignee(
        self, tenant_id: str, did_numbers: str, concurrency: int, pool: DidPool
    ) -> None:
        """Assign the trunk to a tenant (or change it); ``pool`` is ``did_numbers`` parsed."""
        self.assignees[tenant_id] = {"did_numbers": did_numbers, "concurrency": concurrency}
        if self._pools is not None:
            self._pools.put(tenant_id, pool)

    def remove_assignee(self, tenant_id: str) -> None:
        """Take the trunk away from a tenant."""
        del self.assignees[tenant_id]
        if self._pools is not None:
            self._pools.remove(tenant_id)

    @property
    def id(self) -> str:
        """The trunk's id."""
        return str(self.data["id"])

    @property
    def auth_mode(self) -> str:
        """IP_AUTH, REGISTER_AUTH, ACCEPT_REGISTER, TEAMS or WHATS_APP."""
        return str(self.data.get("auth_mode", "REGISTER_AUTH"))

    @property
    def shared(self) -> bool:
        """True for a System Admin's trunk (shareable with tenants)."""
        return self.owner_tenant_id is None


DEFAULT_NETWORK: dict[str, Any] = {
    "web_domain": "pbx.sandbox.test",
    "private_ipv4": "192.0.2.10",
    "public_ipv4": "203.0.113.10",
    "enable_ipv6": False,
    "private_ipv6": "",
    "public_ipv6": "2001:db8::10",
    "primary_dns_server": "192.0.2.53",
    "secondary_dns_server": "198.51.100.53",
}
"""The sandbox PBX's network identity (documentation addresses)."""


@dataclass
class RuleRecord:
    """An inbound or outbound rule owned by a tenant."""

    tenant_id: str
    data: dict[str, Any]


@dataclass
class SandboxState:
    """All data of the sandbox PBX. Mutate only while holding ``lock``."""

    tenants: dict[str, dict[str, Any]] = field(default_factory=dict)
    transports: dict[str, dict[str, Any]] = field(default_factory=dict)
    trunks: dict[str, TrunkRecord] = field(default_factory=dict)
    inbound_rules: dict[str, RuleRecord] = field(default_factory=dict)
    outbound_rules: dict[str, RuleRecord] = field(default_factory=dict)
    network: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_NETWORK))
    """What ``GET /network`` answers (tests may clear ``public_ipv4``; not persisted)."""
    next_number: int = ID_BASE + 100_000
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)

    @classmethod
    def seeded(cls, tenants: int = 120) -> SandboxState:
        """A fresh state with ``tenants`` tenants and the three default transports."""
        state = cls()
        state.tenants = {t["id"]: t for t in seed_tenants(tenants)}
        state.transports = {t["id"]: t for t in seed_transports()}
        return state

    def new_id(self) -> str:
        """A fresh opaque id."""
        with self.lock:
            self.next_number += 1
            return make_id(self.next_number)

    def tenant_by_domain(self, domain: str) -> dict[str, Any] | None:
        """The tenant whose SIP domain is ``domain`` (case-insensitive)."""
        wanted = domain.strip().lower()
        return next((t for t in self.tenants.values() if t["domain"].lower() == wanted), None)

    def add_inbound_rule(
        self, tenant_id: str, provider_id: str, did_numbers: str, name: str = "From trunk"
    ) -> str:
        """Add an inbound rule directly (for tests): it pins the trunk against deletion."""
        with self.lock:
            rule_id = self.new_id()
            self.inbound_rules[rule_id] = RuleRecord(
                tenant_id,
                {
                    "id": rule_id,
                    "name": name,
                    "enabled": True,
                    "did_numbers": did_numbers,
                    "provider_id": provider_id,
                    "holidays": [],
                },
            )
            return rule_id

    def rules_using(self, provider_id: str) -> list[tuple[str, RuleRecord]]:
        """Inbound/outbound rules that reference the trunk, as ``(kind, rule)``."""
        found = [
            ("inbound", r)
            for r in self.inbound_rules.values()
            if r.data.get("provider_id") == provider_id
        ]
        for rule in self.outbound_rules.values():
            if any(
                route.get("provider_id") == provider_id for route in rule.data.get("routes", [])
            ):
                found.append(("outbound", rule))
        return found

    # -- persistence -------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The whole state as JSON-ready data (includes trunk passwords)."""
        with self.lock:
            return {
                "format": FORMAT,
                "next_number": self.next_number,
                "tenants": list(self.tenants.values()),
                "transports": list(self.transports.values()),
                "trunks": [
                    {
                        "data": t.data,
                        "owner_tenant_id": t.owner_tenant_id,
                        "password": t.password,
                        "assignees": t.assignees,
                    }
                    for t in self.trunks.values()
                ],
                "inbound_rules": [
                    {"tenant_id": r.tenant_id, "data": r.data} for r in self.inbound_rules.values()
                ],
                "outbound_rules": [
                    {"tenant_id": r.tenant_id, "data": r.data} for r in self.outbound_rules.values()
                ],
            }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SandboxState:
        """Rebuild a state written by :meth:`to_json`."""
        if data.get("format") != FORMAT:
            raise ValueError(f"unsupported sandbox state format: {data.get('format')!r}")
        state = cls(next_number=int(data["next_number"]))
        state.tenants = {t["id"]: t for t in data["tenants"]}
        state.transports = {t["id"]: t for t in data["transports"]}
        for t in data["trunks"]:
            rec = TrunkRecord(
                t["data"], t.get("owner_tenant_id"), t.get("password"), t.get("assignees", {})
            )
            state.trunks[rec.id] = rec
        for name in ("inbound_rules", "outbound_rules"):
            rules = getattr(state, name)
            for r in data.get(name, []):
                rules[r["data"]["id"]] = RuleRecord(r["tenant_id"], r["data"])
        return state

    def save(self, path: str | Path) -> None:
        """Write the state atomically with mode 0600."""
        target = Path(path)
        payload = json.dumps(self.to_json(), indent=1, sort_keys=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | Path) -> SandboxState:
        """Read a state file written by :meth:`save` (``ValueError`` naming the file if it
        is not one: not JSON, not an object, fields missing or of the wrong type)."""
        try:
            data = json_loads(Path(path).read_bytes())
            if not isinstance(data, dict):
                raise ValueError("it does not hold a JSON object")
            return cls.from_json(data)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
            raise ValueError(f"{path} is not a sandbox state file: {reason}") from None
