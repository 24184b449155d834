"""The wizard's draft: every value typed so far, keyed by API field name.

Pure data (no Textual, no pydantic at import). ``to_dict`` is what the draft store writes:
it never contains a password; the trunk password is kept in memory only, as a
``SecretStr``, until the apply call sends it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The trunk fields each step fills (API field names); used to put errors on the right step.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "basic": (
        "name",
        "brand",
        "hostname",
        "port",
        "transport",
        "outbound_server",
        "outbound_server_port",
        "additional_ips",
        "did_numbers",
    ),
    "credentials": ("auth_id", "username", "password", "register_interval", "registration"),
    "options": ("concurrency", "options"),
    "tenants": ("tenants",),
}


@dataclass
class TenantPick:
    """One tenant the trunk is shared with: its DID pool text and call cap."""

    tenant_id: str
    tenant_name: str
    did_numbers: str = ""
    concurrency: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the draft file."""
        out: dict[str, Any] = {
            "tenant_id": self.tenant_id,
            "tenant_name": self.tenant_name,
            "did_numbers": self.did_numbers,
        }
        if self.concurrency is not None:
            out["concurrency"] = self.concurrency
        return out


@dataclass
class WizardDraft:
    """What the user has entered so far; the App holds one and hands it to each step."""

    step: str = "connect"
    url: str = ""
    user: str = ""
    domain: str = ""
    kind: str | None = None
    level: str | None = None
    trunk_id: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    tenants: list[TenantPick] = field(default_factory=list)
    password: Any = field(default=None, repr=False, compare=False)
    """The trunk password as a ``SecretStr`` (memory only, never written)."""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the draft store: every value except the password."""
        out: dict[str, Any] = {"step": self.step, "url": self.url, "user": self.user}
        for key in ("domain", "kind", "level", "trunk_id"):
            value = getattr(self, key)
            if value:
                out[key] = value
        out["fields"] = {k: v for k, v in self.fields.items() if v is not None and k != "password"}
        out["options"] = dict(self.options)
        out["tenants"] = [t.to_dict() for t in self.tenants]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WizardDraft:
        """Rebuild a draft from ``to_dict`` output (unknown keys are ignored)."""
        return cls(
            step=str(data.get("step", "connect")),
            url=str(data.get("url", "")),
            user=str(data.get("user", "")),
            domain=str(data.get("domain", "")),
            kind=data.get("kind"),
            level=data.get("level"),
            trunk_id=data.get("trunk_id"),
            fields=dict(data.get("fields", {})),
            options=dict(data.get("options", {})),
            tenants=[
                TenantPick(
                    tenant_id=str(t["tenant_id"]),
                    tenant_name=str(t.get("tenant_name", t["tenant_id"])),
                    did_numbers=str(t.get("did_numbers", "")),
                    concurrency=t.get("concurrency"),
                )
                for t in data.get("tenants", [])
            ],
        )

    def has_content(self) -> bool:
        """Whether there is anything worth resuming (a step past Connect or a typed value)."""
        return self.step != "connect" or bool(self.fields or self.tenants or self.kind)

    def trunk_data(self) -> dict[str, Any]:
        """The trunk as a plain dict for the domain's ``parse_trunk`` (no password)."""
        data: dict[str, Any] = {k: v for k, v in self.fields.items() if v not in (None, "")}
        data["kind"] = self.kind or "register"
        if self.level:
            data["level"] = self.level
        ips = data.get("additional_ips")
        if isinstance(ips, str):
            data["additional_ips"] = [p.strip() for p in ips.split(";") if p.strip()]
        if self.options:
            data["options"] = dict(self.options)
        if self.level != "tenant":
            data.pop("did_numbers", None)
            data["tenants"] = [
                {k: v for k, v in t.to_dict().items() if v not in (None, "")} for t in self.tenants
            ]
        return data

    def apply(self, values: dict[str, Any]) -> None:
        """Merge a step's slice: draft attributes by name, ``options`` merged, the rest fields.

        ``reset=True`` first forgets the trunk (fields, options, tenants, id, password) but
        keeps the connection: "a new trunk instead" while editing one.
        """
        if values.get("reset"):
            self.fields, self.options, self.tenants = {}, {}, []
            self.trunk_id = self.password = None
        for key, value in values.items():
            if key == "reset":
                continue
            if key in _ATTRS:
                setattr(self, key, value)
            elif key == "options":
                self.options.update(value)
            else:
                self.fields[key] = value

    def merged(self, values: dict[str, Any]) -> WizardDraft:
        """A copy with ``values`` applied (the draft itself is unchanged)."""
        copy = WizardDraft.from_dict(self.to_dict())
        copy.password = self.password
        copy.apply(values)
        return copy


_ATTRS = frozenset(
    {"step", "url", "user", "domain", "kind", "level", "trunk_id", "password", "tenants"}
)
