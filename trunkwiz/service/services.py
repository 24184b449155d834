"""``Services``: what the wizard needs from the world, built once by the command line.

The CLI (the composition root) creates one ``Services`` and hands it to the App. Stores
and the keyring are created on first use, so building this object costs nothing at
start-up. The PBX connection (``Connection``) exists after a successful ``connect``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import SecretStr

    from trunkwiz.pbx.client import PbxClient
    from trunkwiz.pbx.tls import TlsPolicy
    from trunkwiz.service.connection import Connection
    from trunkwiz.store.drafts import DraftStore
    from trunkwiz.store.profiles import Profile, ProfileStore
    from trunkwiz.store.secrets import SecretStore

ClientFactory = Callable[[str, "TlsPolicy"], "PbxClient"]
ProbeFn = Callable[..., Awaitable[Any]]

DEFAULT_URL = "https://127.0.0.1:8887"


@dataclass(frozen=True)
class ConnectDefaults:
    """What the Connect step shows before the user types (from options or a profile)."""

    url: str = DEFAULT_URL
    """PBX base URL."""
    user: str = ""
    """Admin user name."""
    domain: str = ""
    """Tenant SIP domain (Tenant Admin only)."""
    password: SecretStr | None = None
    """A password known in advance (the demo's sandbox admin); never written anywhere."""
    ca_file: str | None = None
    """CA bundle to verify the PBX certificate with."""
    insecure: bool = False
    """Skip TLS verification entirely (``--insecure``)."""
    note: str = ""
    """A line shown on the Connect step (the demo explains its credentials here)."""


@dataclass(frozen=True)
class Timing:
    """How the registration status panel polls (tests shorten these)."""

    status_interval: float = 2.0
    """Seconds between two ``GET /providers/{id}/status`` calls."""
    offline_after: float = 30.0
    """Seconds a register trunk may stay OFFLINE before the probe explains why."""
    status_timeout: float = 300.0
    """Seconds after which polling stops (the panel says so)."""


class Services:
    """The façade the TUI (and a command-line twin) uses; Textual-free."""

    def __init__(
        self,
        *,
        config_dir: Path,
        client_factory: ClientFactory | None = None,
        secrets: Callable[[], SecretStore] | None = None,
        profile_name: str = "default",
        defaults: ConnectDefaults | None = None,
        timing: Timing | None = None,
        probe: ProbeFn | None = None,
        clock: Callable[[], float] = time.monotonic,
        demo_carrier: dict[str, Any] | None = None,
    ) -> None:
        self.config_dir = Path(config_dir)
        self.profile_name = profile_name
        self.defaults = defaults or ConnectDefaults()
        self.timing = timing or Timing()
        self.clock = clock
        self.demo_carrier = demo_carrier
        """Demo only: the carrier's host, port, transport, auth_id and password to use."""
        self._client_factory = client_factory
        self._secrets_factory = secrets
        self._probe = probe
        self._limiter: Any = None
        self._profiles: ProfileStore | None = None
        self._drafts: DraftStore | None = None
        self._secrets: SecretStore | None = None
        self.connection: Connection | None = None
        """The signed-in PBX connection, after ``connect``."""
        self._cleanups: list[Callable[[], None]] = []

    def on_close(self, cleanup: Callable[[], None]) -> None:
        """Run ``cleanup`` (blocking, in a thread) when the services close (the demo's
        sandbox and carrier)."""
        self._cleanups.append(cleanup)

    # -- stores (created on first use) -------------------------------------------------
    @property
    def profiles(self) -> ProfileStore:
        """The connection profiles."""
        if self._profiles is None:
            from trunkwiz.store.profiles import ProfileStore

            self._profiles = ProfileStore(self.config_dir)
        return self._profiles

    @property
    def drafts(self) -> DraftStore:
        """The wizard's draft slot."""
        if self._drafts is None:
            from trunkwiz.store.drafts import DraftStore

            self._drafts = DraftStore(self.config_dir)
        return self._drafts

    @property
    def secrets(self) -> SecretStore:
        """The keyring (may raise ``SecretStoreUnavailable`` on use, never at creation)."""
        if self._secrets is None:
            if self._secrets_factory is not None:
                self._secrets = self._secrets_factory()
            else:
                from trunkwiz.store.secrets import SecretStore

                self._secrets = SecretStore()
        return self._secrets

    # -- profile, password, draft (blocking: call from thread workers) -----------------
    def saved_profile(self) -> Profile | None:
        """The profile this run uses, if saved (a broken file counts as none)."""
        from trunkwiz.store.profiles import ProfileNotFound
        from trunkwiz.store.tomlfile import ConfigFileError

        try:
            if self.profile_name == "default":
                return self.profiles.default()
            return self.profiles.load(self.profile_name)
        except (ProfileNotFound, ConfigFileError):
            return None

    def remember_profile(self, url: str, user: str, domain: str, pinned: str | None) -> None:
        """Save the connection (never the password) as this run's profile."""
        from trunkwiz.store.profiles import Profile

        old = self.saved_profile()
        name = old.name if old is not None else self.profile_name
        self.profiles.save(
            Profile(
                name=name,
                url=url,
                user=user,
                domain=domain or None,
                ca_file=self.defaults.ca_file or (old.ca_file if old else None),
                pinned_sha256=pinned,
                insecure=self.defaults.insecure,
            )
        )

    def saved_password(self, url: str, user: str, domain: str) -> SecretStr | None:
        """The PBX password from the keyring (``SecretStoreUnavailable`` if none usable)."""
        from trunkwiz.store.secrets import pbx_key

        return self.secrets.get(pbx_key(url, user, domain or None))

    def keep_password(self, url: str, user: str, domain: str, password: SecretStr) -> None:
        """Store the PBX password in the keyring (``SecretStoreUnavailable`` if impossible)."""
        from trunkwiz.store.secrets import pbx_key

        self.secrets.set(pbx_key(url, user, domain or None), password)

    def keep_trunk_password(self, url: str, name: str, password: SecretStr) -> None:
        """Store a trunk's SIP password in the keyring."""
        from trunkwiz.store.secrets import trunk_key

        self.secrets.set(trunk_key(url, name), password)

    def forget_trunk_password(self, url: str, name: str) -> bool:
        """Remove a deleted trunk's SIP password from the keyring; whether one was kept."""
        from trunkwiz.store.secrets import trunk_key

        return self.secrets.delete(trunk_key(url, name))

    def save_draft(self, data: dict[str, Any]) -> None:
        """Write the wizard's draft (the caller passes no password)."""
        self.drafts.save(data)

    def load_draft(self) -> dict[str, Any] | None:
        """The saved draft, if any."""
        return self.drafts.load()

    def discard_draft(self) -> None:
        """Forget the draft (after a successful submit)."""
        self.drafts.discard()

    # -- the PBX ------------------------------------------------------------------------
    async def connect(
        self,
        url: str,
        user: str,
        password: SecretStr,
        domain: str = "",
        *,
        pinned_sha256: str | None = None,
    ) -> Connection:
        """Sign in; the previous connection (if any) is closed.

        Raises the PBX client's errors: ``UntrustedCertificate`` (ask, then call again with
        ``pinned_sha256``), ``FingerprintMismatch``, ``AuthError``, ``UnavailableError``.
        """
        from trunkwiz.pbx.tls import TlsPolicy
        from trunkwiz.service.connection import Connection

        tls = TlsPolicy(
            ca_file=self.defaults.ca_file,
            pinned_sha256=pinned_sha256,
            insecure=self.defaults.insecure and not pinned_sha256,
        )
        client = self._make_client(url, tls)
        try:
            session = await client.sign_in(user, password, domain or None)
        except BaseException:
            await client.aclose()
            raise
        await self.close()
        self.connection = Connection(
            client, session, url=url, user=user, domain=domain, pinned_sha256=pinned_sha256
        )
        return self.connection

    def _make_client(self, url: str, tls: TlsPolicy) -> PbxClient:
        if self._client_factory is not None:
            return self._client_factory(url, tls)
        from trunkwiz.pbx.client import PbxClient

        return PbxClient(url, tls=tls)

    async def probe(self, target: Any, *, register: bool = True) -> Any:
        """Run the SIP pre-flight probe (``trunkwiz.sip.probe.probe``) on ``target``.

        Every probe of this app shares one rate limiter, so repeated probes cannot get the
        PBX's address banned by the carrier; ``register=False`` only sends OPTIONS.
        """
        if self._probe is not None:
            return await self._probe(target, register=register)
        from trunkwiz.sip.probe import probe
        from trunkwiz.sip.ratelimit import STATE_FILE, RateLimiter

        if self._limiter is None:  # shared with other trunkwiz runs through the config dir
            self._limiter = RateLimiter(state=self.config_dir / STATE_FILE)
        return await probe(target, register=register, limiter=self._limiter)

    async def close(self) -> None:
        """Close the PBX connection, if any (the connection only; see ``shutdown``)."""
        if self.connection is not None:
            conn, self.connection = self.connection, None
            await conn.close()

    async def shutdown(self) -> None:
        """Close the connection and run the ``on_close`` clean-ups (when the App exits)."""
        import asyncio

        await self.close()
        cleanups, self._cleanups = self._cleanups, []
        for cleanup in reversed(cleanups):
            await asyncio.to_thread(cleanup)
