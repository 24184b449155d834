"""What ``Services`` keeps on this machine: the connection profiles, the keyring, the
wizard's draft slot and the crash log. ``LocalStores`` is the base of ``Services``; the
stores and the keyring are created on first use (nothing at start-up)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from trunkwiz.domain.jsondata import JsonMapping
from trunkwiz.store.crashlog import write_crash_log
from trunkwiz.store.drafts import DraftStore
from trunkwiz.store.drafts import SavedDraft as SavedDraft  # the front ends' name for it
from trunkwiz.store.profiles import Profile, ProfileNotFound, ProfileStore
from trunkwiz.store.tomlfile import ConfigFileError

if TYPE_CHECKING:
    from pydantic import SecretStr

    from trunkwiz.store.secrets import SecretStore


class LocalStores:
    """The profiles, keyring, draft and crash log of one ``Services`` (the base class of
    ``Services``, whose ``__init__`` sets the attributes below)."""

    config_dir: Path
    """Where the profiles, the draft and the crash logs live."""
    profile_name: str
    """The profile this run uses."""
    _secrets_factory: Callable[[], SecretStore] | None
    _profiles: ProfileStore | None
    _drafts: DraftStore | None
    _secrets: SecretStore | None

    # -- stores (created on first use) -------------------------------------------------
    @property
    def profiles(self) -> ProfileStore:
        """The connection profiles."""
        if self._profiles is None:
            self._profiles = ProfileStore(self.config_dir)
        return self._profiles

    @property
    def drafts(self) -> DraftStore:
        """The wizard's draft slot."""
        if self._drafts is None:
            self._drafts = DraftStore(self.config_dir)
        return self._drafts

    @property
    def secrets(self) -> SecretStore:
        """The keyring (may raise ``SecretStoreUnavailable`` on use, never at creation)."""
        if self._secrets is None:
            if self._secrets_factory is not None:
                self._secrets = self._secrets_factory()
            else:
                from trunkwiz.store.secrets import SecretStore  # lazy: off the first frame

                self._secrets = SecretStore()
        return self._secrets

    # -- profile, password, draft (blocking: call from thread workers) -----------------
    def saved_profile(self) -> Profile | None:
        """The profile this run uses, if saved (a broken file counts as none)."""
        try:
            if self.profile_name == "default":
                return self.profiles.default()
            return self.profiles.load(self.profile_name)
        except (ProfileNotFound, ConfigFileError):
            return None

    def saved_password(self, url: str, user: str, domain: str) -> SecretStr | None:
        """The PBX password from the keyring (``SecretStoreUnavailable`` if none usable)."""
        from trunkwiz.store.secrets import pbx_key  # lazy: off the first frame

        return self.secrets.get(pbx_key(url, user, domain or None))

    def keep_password(self, url: str, user: str, domain: str, password: SecretStr) -> None:
        """Store the PBX password in the keyring (``SecretStoreUnavailable`` if impossible)."""
        from trunkwiz.store.secrets import pbx_key  # lazy: off the first frame

        self.secrets.set(pbx_key(url, user, domain or None), password)

    def keep_trunk_password(self, url: str, name: str, password: SecretStr) -> None:
        """Store a trunk's SIP password in the keyring."""
        from trunkwiz.store.secrets import trunk_key  # lazy: off the first frame

        self.secrets.set(trunk_key(url, name), password)

    def forget_trunk_password(self, url: str, name: str) -> bool:
        """Remove a deleted trunk's SIP password from the keyring; whether one was kept."""
        from trunkwiz.store.secrets import trunk_key  # lazy: off the first frame

        return self.secrets.delete(trunk_key(url, name))

    def save_draft(self, data: JsonMapping) -> None:
        """Write the wizard's draft (the caller passes no password)."""
        self.drafts.save(data)

    def load_draft(self) -> SavedDraft | None:
        """The saved draft, if any."""
        return self.drafts.load()

    def discard_draft(self) -> None:
        """Forget the draft (after a successful submit)."""
        self.drafts.discard()

    def write_crash_log(self, error: BaseException, context: str = "") -> Path:
        """Write ``error``'s traceback (never a local variable) to a new private log in
        the configuration directory of the draft (``trunkwiz.store.crashlog``); its path."""
        try:
            where: Path | None = self.drafts.root
        except Exception:  # no usable configuration directory: the temp dir then
            where = None
        return write_crash_log(where, error, context)

    def pinned_for(self, url: str) -> str | None:
        """The fingerprint the saved profile pins for ``url`` (blocking: a file read)."""
        profile = self.saved_profile()
        if profile is not None and profile.url == url.rstrip("/"):
            return profile.pinned_sha256
        return None

    def keep_trunk_password_or_say_why(self, url: str, name: str, password: SecretStr) -> str:
        """Keep a trunk's SIP password in the keyring (blocking); why not, or empty."""
        from trunkwiz.store.secrets import SecretStoreUnavailable  # lazy: off the first frame

        try:
            self.keep_trunk_password(url, name, password)
        except SecretStoreUnavailable as exc:
            return str(exc)
        return ""

    def forget_trunk_password_if_kept(self, url: str, name: str) -> None:
        """Remove a deleted trunk's SIP password from the keyring, if one is there."""
        from trunkwiz.store.secrets import SecretStoreUnavailable  # lazy: off the first frame

        try:
            self.forget_trunk_password(url, name)
        except SecretStoreUnavailable:  # no usable keyring: nothing was kept there
            return
