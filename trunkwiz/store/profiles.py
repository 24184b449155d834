"""Connection profiles: which PBX to talk to, as whom, and which certificate to trust.

All profiles live in one file, ``profiles.toml`` in the configuration directory::

    default = "main"

    [profiles.main]
    url = "https://127.0.0.1:8887"
    user = "admin"
    domain = "tenant.example.com"      # only for a Tenant Admin
    ca_file = "/etc/ssl/pbx-ca.pem"    # optional
    pinned_sha256 = "AA:BB:..."        # the accepted TLS leaf fingerprint, optional
    insecure = false

One file keeps the default and the profiles consistent under one atomic write; every
change (read, modify, write) holds an exclusive lock on ``profiles.toml.lock``, so runs
saving at the same time lose nothing. The password is never here: it lives in the
keyring under ``pbx_key(url, user, domain)``.

``insecure = true`` (no TLS verification) is never written as a side effect: ``save``
keeps the value the file already holds for that profile and URL unless called with
``insecure_explicit=True``. ``--insecure`` on the command line applies to that run only.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from trunkwiz.domain.jsondata import JsonObject
from trunkwiz.store.checked import load_checked
from trunkwiz.store.paths import ensure_private_dir, resolved_root
from trunkwiz.store.tomlfile import keep_backup, write_toml

DEFAULT_URL = "https://127.0.0.1:8887"
PROFILES_FILE = "profiles.toml"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
_HEX = re.compile(r"[0-9A-Fa-f]{64}")
_OPTIONAL_TEXT = ("domain", "ca_file", "pinned_sha256")


class ProfileNotFound(LookupError):
    """No profile with that name exists."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"no profile named {name!r}")


def normalize_fingerprint(value: str) -> str:
    """Return a SHA-256 fingerprint as upper-case ``AA:BB:...``; accepts any separators."""
    digits = re.sub(r"[\s:.-]", "", value)
    if not _HEX.fullmatch(digits):
        raise ValueError("pinned_sha256 must be a SHA-256 fingerprint (64 hex digits)")
    digits = digits.upper()
    return ":".join(digits[i : i + 2] for i in range(0, 64, 2))


@dataclass(frozen=True)
class Profile:
    """One PBX connection. Values are checked and normalised on creation."""

    name: str
    """Profile name (letters, digits, ``. _ @ -``; up to 64 characters)."""
    url: str = DEFAULT_URL
    """Base URL of the PBX REST API; a trailing ``/`` is dropped."""
    user: str = "admin"
    """Admin user name to sign in with."""
    domain: str | None = None
    """A Tenant Admin's tenant SIP domain; ``None`` for the System Admin."""
    ca_file: str | None = None
    """PEM file of a CA to trust for the PBX certificate."""
    pinned_sha256: str | None = None
    """The accepted TLS leaf certificate fingerprint, ``AA:BB:...`` (SHA-256)."""
    insecure: bool = False
    """Skip certificate verification entirely (only when the user asked for it)."""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            raise ValueError(
                "profile name must be 1-64 letters, digits or . _ @ - and start with a "
                "letter or digit"
            )
        url = _text(self.url, "url").rstrip("/")
        if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", url):
            raise ValueError("url must look like https://host:port")
        object.__setattr__(self, "url", url)
        object.__setattr__(self, "user", _text(self.user, "user"))
        for field in _OPTIONAL_TEXT:
            value = getattr(self, field)
            object.__setattr__(self, field, None if value in (None, "") else _text(value, field))
        if self.pinned_sha256 is not None:
            object.__setattr__(self, "pinned_sha256", normalize_fingerprint(self.pinned_sha256))
        if not isinstance(self.insecure, bool):
            raise ValueError("insecure must be true or false")

    def to_table(self) -> JsonObject:
        """The profile as a TOML table (without the name; ``None`` fields left out)."""
        table = asdict(self)
        del table["name"]
        return {k: v for k, v in table.items() if v is not None}


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip() or any(ord(c) < 32 for c in value):
        raise ValueError(f"{field} must be non-empty text on one line")
    return value.strip()


def _profiles_file(data: JsonObject) -> tuple[str | None, dict[str, Profile]]:
    """The default's name and the profiles of a ``profiles.toml`` table: its shape checked
    by ``schemas.ProfilesFile``, each profile's values by ``Profile`` (``ValueError``)."""
    from trunkwiz.store.schemas import ProfilesFile  # lazy: pydantic off the first frame

    checked = ProfilesFile.model_validate(data)
    profiles = {
        name: Profile(name=name, **table.model_dump(exclude_none=True))
        for name, table in checked.profiles.items()
    }
    return checked.default, profiles


class ProfileStore:
    """The profiles in ``<config_dir>/profiles.toml``.

    A file that does not parse or fit (``schemas.ProfilesFile``, then ``Profile``'s own
    checks) is moved aside to ``profiles.toml.bad-<time>`` with one line on stderr and
    counts as no profiles (``checked.load_checked``); ``UntrustedPath`` is raised, the
    file left alone. ``reset()`` starts afresh on purpose (keeping ``profiles.toml.bak``).
    """

    def __init__(self, config_dir: Path) -> None:
        self.path = resolved_root(Path(config_dir)) / PROFILES_FILE
        self.lock_path = self.path.with_name(PROFILES_FILE + ".lock")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the profiles' exclusive lock (waits for another run's change to end)."""
        ensure_private_dir(self.path.parent)
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(self.lock_path, flags, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _read(self) -> tuple[str | None, dict[str, Profile]]:
        found = load_checked(self.path, _profiles_file, what="the profiles file")
        return found if found is not None else (None, {})

    def _write(self, default: str | None, profiles: dict[str, Profile]) -> None:
        data: JsonObject = {}
        if default is not None and default in profiles:
            data["default"] = default
        data["profiles"] = {name: profiles[name].to_table() for name in sorted(profiles)}
        write_toml(self.path, data)

    def names(self) -> list[str]:
        """Every profile name, sorted."""
        return sorted(self._read()[1])

    def load(self, name: str) -> Profile:
        """The profile called ``name``; raises ``ProfileNotFound``."""
        profiles = self._read()[1]
        if name not in profiles:
            raise ProfileNotFound(name)
        return profiles[name]

    def default(self) -> Profile | None:
        """The default profile; the only profile when none is marked; else ``None``."""
        default, profiles = self._read()
        if default is not None and default in profiles:
            return profiles[default]
        if len(profiles) == 1:
            return next(iter(profiles.values()))
        return None

    def save(
        self, profile: Profile, *, make_default: bool = False, insecure_explicit: bool = False
    ) -> None:
        """Add or replace ``profile``; the first profile saved becomes the default.

        ``profile.insecure`` is written only with ``insecure_explicit=True`` (the user
        asked to keep it); otherwise the stored profile's value is kept when it is for the
        same URL, else ``false``.
        """
        with self._locked():
            default, profiles = self._read()
            if not insecure_explicit:
                old = profiles.get(profile.name)
                kept = old is not None and old.url == profile.url and old.insecure
                profile = replace(profile, insecure=kept)
            profiles[profile.name] = profile
            if make_default or default is None or default not in profiles:
                default = profile.name
            self._write(default, profiles)

    def set_default(self, name: str) -> None:
        """Mark ``name`` as the default profile; raises ``ProfileNotFound``."""
        with self._locked():
            profiles = self._read()[1]
            if name not in profiles:
                raise ProfileNotFound(name)
            self._write(name, profiles)

    def delete(self, name: str) -> bool:
        """Remove ``name``; return whether it existed. Its keyring secret is untouched."""
        with self._locked():
            default, profiles = self._read()
            if profiles.pop(name, None) is None:
                return False
            if default == name:
                default = None
            self._write(default, profiles)
            return True

    def reset(self) -> Path | None:
        """Start afresh: keep the current file as ``profiles.toml.bak``, then remove it.

        Returns the backup's path, or ``None`` when there was no file.
        """
        with self._locked():
            if not os.path.lexists(self.path):
                return None
            backup = keep_backup(self.path)
            self.path.unlink()
            return backup
