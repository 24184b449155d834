"""Checks of a valid trunk file against what the PBX says: tenants and the signed-in role.

Both are still errors *of the file* (the CLI reports them with exit 2 and sends nothing):
a ``tenant`` reference that matches no tenant (or several), and a trunk whose level does
not fit the account (a System Admin has no trunk-level ``did_numbers``; a Tenant Admin's
trunk needs one and shares nothing).
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Sequence

from pydantic import ValidationError

from trunkwiz.domain.jsondata import JsonMapping, JsonObject
from trunkwiz.domain.options import Level
from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.domain.trunkfile._model import AnyTrunk, FileIssue, TrunkFile, TrunkFileError


class TenantIndex:
    """``GET /tenants`` items indexed once for many look-ups: by id, by SIP domain and by
    name (case-insensitive), and by letter trigrams for a cheap did-you-mean."""

    CANDIDATES = 5
    """How many labels sharing the most trigrams with a reference difflib compares."""

    def __init__(self, tenants: Sequence[JsonMapping]) -> None:
        self.tenants = tenants
        self.by_id: dict[str, JsonMapping] = {}
        self.by_domain: dict[str, list[JsonMapping]] = defaultdict(list)
        self.by_name: dict[str, list[JsonMapping]] = defaultdict(list)
        labels: dict[str, str] = {}  # folded -> as the PBX writes it
        for tenant in tenants:
            self.by_id.setdefault(str(tenant.get("id")), tenant)
            domain = str(tenant.get("domain") or "").casefold()
            if domain:
                self.by_domain[domain].append(tenant)
            self.by_name[str(tenant.get("name") or "").strip().casefold()].append(tenant)
            for key in ("name", "domain"):
                label = str(tenant.get(key) or "")
                if label.strip():
                    labels.setdefault(label.strip().casefold(), label)
        self._labels = list(labels.items())
        self._postings: dict[str, list[int]] | None = None  # built on the first miss
        self._common: set[str] = set()
        self._close: dict[str, list[str]] = {}

    def _grams(self) -> dict[str, list[int]]:
        """Trigram -> labels holding it (built once, when a reference first misses)."""
        if self._postings is None:
            postings: dict[str, list[int]] = defaultdict(list)
            for number, (folded, _) in enumerate(self._labels):
                for gram in _trigrams(folded):
                    postings[gram].append(number)
            # A trigram most labels share (".sandbox.test") says nothing about which is meant.
            limit = max(50, len(self._labels) // 50)
            self._common = {g for g, posting in postings.items() if len(posting) > limit}
            self._postings = postings
        return self._postings

    def close_labels(self, text: str, n: int = 3) -> list[str]:
        """Up to ``n`` tenant names or domains close to ``text`` (difflib's ratio, compared
        case-insensitively) among the labels sharing the most letter trigrams with it, so a
        miss costs little even with thousands of tenants."""
        folded = text.strip().casefold()
        if folded in self._close:
            return self._close[folded]
        postings = self._grams()
        counts: Counter[int] = Counter()
        for gram in _trigrams(folded):
            if gram not in self._common:
                counts.update(postings.get(gram, ()))
        candidates = {self._labels[i][0]: i for i, _ in counts.most_common(self.CANDIDATES)}
        close = difflib.get_close_matches(folded, list(candidates), n=n)
        found = [self._labels[candidates[c]][1] for c in close]
        self._close[folded] = found
        return found


def _trigrams(folded: str) -> set[str]:
    padded = f" {folded} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def match_tenant(ref: str, tenants: Sequence[JsonMapping] | TenantIndex) -> tuple[str | None, str]:
    """The id of the tenant ``ref`` names (id, then SIP domain, then name; case-insensitive
    for domain and name), or ``(None, why)``. ``tenants`` are ``GET /tenants`` items, or a
    :class:`TenantIndex` of them (build it once to match many references)."""
    index = tenants if isinstance(tenants, TenantIndex) else TenantIndex(tenants)
    text = ref.strip()
    folded = text.casefold()
    if text in index.by_id:
        return str(index.by_id[text]["id"]), ""
    by_domain = index.by_domain.get(folded, [])
    if len(by_domain) == 1:
        return str(by_domain[0]["id"]), ""
    by_name = index.by_name.get(folded, [])
    if len(by_name) == 1:
        return str(by_name[0]["id"]), ""
    if len(by_name) > 1:
        domains = ", ".join(str(t.get("domain") or t.get("id")) for t in by_name)
        return None, f"{len(by_name)} tenants are named {text!r}: use a SIP domain ({domains})"
    close = index.close_labels(text)
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return None, f"no tenant {text!r} on the PBX (by name, SIP domain or id).{hint}"


def resolve_tenants(file: TrunkFile, tenants: Sequence[JsonMapping]) -> list[AnyTrunk]:
    """The file's trunks with each ``tenant`` reference replaced by the tenant's id (and
    its name for messages). Raises ``TrunkFileError`` listing every unknown or ambiguous
    reference, and a tenant listed twice under different references."""
    issues: list[FileIssue] = []
    lookup = TenantIndex(tenants)
    names = {str(t.get("id")): str(t.get("name") or t.get("id")) for t in tenants}
    out: list[AnyTrunk] = []
    for entry in file.entries:
        trunk = entry.trunk
        if not trunk.tenants:
            out.append(trunk)
            continue
        resolved: list[JsonObject] = []
        for j, assignment in enumerate(trunk.tenants):
            found, why = match_tenant(assignment.tenant_id, lookup)
            if found is None:
                issues.append(file.issue(entry.index, "tenant", why, j))
                continue
            resolved.append(
                {
                    **assignment.model_dump(),
                    "tenant_id": found,
                    "tenant_name": names.get(found, found),
                }
            )
        if len(resolved) != len(trunk.tenants):
            continue
        data = {**trunk.model_dump(), "tenants": resolved}
        try:
            out.append(parse_trunk(data, editing=True))
        except ValidationError as exc:
            for err in exc.errors():
                loc = [p for p in err["loc"] if p not in {"register", "ip", "accept_register"}]
                tenant = loc[1] if loc[:1] == ["tenants"] and len(loc) > 1 else None
                key = "tenant" if loc[-1:] == ["tenant_id"] else str(loc[-1] if loc else "")
                index = tenant if isinstance(tenant, int) else None
                issues.append(file.issue(entry.index, key, str(err["msg"]), index))
    if issues:
        raise TrunkFileError(issues)
    return out


def level_issues(file: TrunkFile, level: Level) -> list[FileIssue]:
    """Trunks whose level does not fit the signed-in account's ``level``."""
    issues: list[FileIssue] = []
    for entry in file.entries:
        trunk = entry.trunk
        if trunk.level is level:
            continue
        if level is Level.system:
            issues.append(
                file.issue(
                    entry.index,
                    "did_numbers",
                    "you are signed in as the System Admin, whose trunks have no DID pool of "
                    "their own: set did_numbers per [[trunk.tenants]] entry, or sign in as the "
                    "tenant's admin (--domain SIP_DOMAIN) to manage the tenant's own trunk",
                )
            )
        elif trunk.tenants:
            issues.append(
                file.issue(
                    entry.index,
                    "tenants",
                    "you are signed in as a Tenant Admin, who cannot share trunks with tenants: "
                    "remove [[trunk.tenants]] and set the trunk's own did_numbers",
                )
            )
        else:
            issues.append(
                file.issue(
                    entry.index,
                    "did_numbers",
                    "required: a Tenant Admin's trunk has its own DID pool (did_numbers)",
                )
            )
    return issues
