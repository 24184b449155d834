"""The wizard's draft: saved on every step so a dropped SSH session loses nothing.

A draft is a dict of the current step and every value typed so far: what
``service.draft.WizardDraft.to_dict`` makes (``schemas.DraftFile`` is its shape). It is
stored as ``<config_dir>/drafts/<key>.toml``::

    saved_at = 2025-01-02T03:04:05.123456Z
    step = "credentials"
    url = "https://pbx.example.com:8887"
    kind = "register"
    [fields]
    name = "carrier-a"
    ...

``saved_at`` is added on every save (UTC) and is returned by ``load``; a ``saved_at``
in the given dict is replaced. TOML has no null, so ``None`` values in dicts are left
out (a field missing on load means "not set"). A password never goes in: any key named
like a password, passphrase, secret or token is refused (``SecretKeyRefused``).

Reading back is checked: a draft that does not parse or does not have the shape of a
draft is moved aside (``<key>.toml.bad-<time>``), said in one line on stderr, and
``load`` returns ``None`` -- the wizard starts as if none was saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TypedDict, cast

from trunkwiz.compat import UTC
from trunkwiz.domain.jsondata import JsonMapping, JsonObject
from trunkwiz.store.checked import load_checked
from trunkwiz.store.paths import check_trusted_dir, resolved_root
from trunkwiz.store.tomlfile import write_toml

DRAFTS_DIR = "drafts"
SAVED_AT = "saved_at"
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class SavedTenant(TypedDict, total=False):
    """One tenant the saved trunk is shared with (``schemas.TenantEntry``)."""

    tenant_id: str
    tenant_name: str
    did_numbers: str
    concurrency: int


class SavedDraft(TypedDict, total=False):
    """A saved draft as ``DraftStore.load`` returns it: the keys ``schemas.DraftFile``
    checked, each present only when the draft holds it."""

    saved_at: datetime
    step: str
    url: str
    user: str
    domain: str
    kind: str
    level: str
    trunk_id: str
    fields: JsonObject
    options: JsonObject
    tenants: list[SavedTenant]
    baseline: JsonObject
    prefilled: JsonObject
    routes: dict[str, JsonObject]
    routes_skipped: bool
    tech_prefix: str


class DraftStore:
    """One draft slot (``key``) in the configuration directory."""

    def __init__(self, config_dir: Path, key: str = "default") -> None:
        if not _KEY.fullmatch(key):
            raise ValueError("draft key must be 1-64 letters, digits or . _ - characters")
        self.key = key
        self.root = resolved_root(Path(config_dir))
        self.path = self.root / DRAFTS_DIR / f"{key}.toml"

    def save(self, draft: JsonMapping) -> datetime:
        """Write ``draft`` atomically with a fresh ``saved_at``; return that timestamp.

        Raises ``SecretKeyRefused`` for a secret-looking key and ``TypeError`` for a value
        TOML cannot hold; the previous draft stays intact in both cases.
        """
        check_trusted_dir(self.root)  # the configuration directory, then drafts/ on write
        saved_at = datetime.now(UTC)
        body = _drop_none(draft, "draft")
        body.pop(SAVED_AT, None)
        write_toml(self.path, {SAVED_AT: saved_at, **body})
        return saved_at

    def load(self) -> SavedDraft | None:
        """The saved draft (with ``saved_at`` as an aware datetime), or ``None``.

        The file must have the shape of a wizard draft (``schemas.DraftFile``); one that
        does not parse or fit is moved aside to ``<key>.toml.bad-<time>`` with one line on
        stderr, and this returns ``None`` (``checked.load_checked``). ``UntrustedPath``
        when the file or its directory is not to be trusted (left where it is).
        """
        check_trusted_dir(self.root)
        return load_checked(self.path, _draft_table, what="the saved draft")

    def exists(self) -> bool:
        """Whether a draft is saved."""
        return self.path.exists()

    def discard(self) -> bool:
        """Delete the draft (after a successful submit); return whether one existed."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True


def _draft_table(data: JsonObject) -> SavedDraft:
    """``data`` when it has the shape of a draft (``ValidationError`` otherwise)."""
    from trunkwiz.store.schemas import DraftFile  # lazy: pydantic off the first frame

    DraftFile.model_validate(data)
    return cast("SavedDraft", data)  # true: DraftFile has just checked every key and value


def _drop_none(value: JsonMapping, where: str) -> JsonObject:
    result: JsonObject = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise TypeError(f"{where}: keys must be text, not {type(key).__name__}")
        if item is None:
            continue
        result[key] = _clean(item, f"{where}.{key}")
    return result


def _clean(value: object, where: str) -> object:
    if isinstance(value, Mapping):
        return _drop_none(value, where)
    if isinstance(value, list | tuple):
        if any(item is None for item in value):
            raise TypeError(f"{where}: a list cannot hold None in a TOML file")
        return [_clean(item, f"{where}[{i}]") for i, item in enumerate(value)]
    return value
