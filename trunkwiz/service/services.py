"""``Services``: what the wizard needs from the world, built once by the command line.

The CLI (the composition root) creates one ``Services`` and hands it to the App. Stores
and the keyring are created on first use, so building this object costs nothing at
start-up. The PBX connection (``Connection``) exists after a successful ``connect``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from trunkwiz.service.stores import LocalStores
from trunkwiz.store.profiles import Profile

if TYPE_CHECKING:
    from pydantic import SecretStr

    from trunkwiz.pbx.client import PbxClient
    from trunkwiz.pbx.tls import TlsPolicy
    from trunkwiz.service.connection import Connection, TrunkModel
    from trunkwiz.service.outcomes import CarrierTest, SignIn
    from trunkwiz.sip.probe import ProbeTarget
    from trunkwiz.sip.ratelimit import RateLimiter
    from trunkwiz.sip.result import ProbeResult
    from trunkwiz.store.drafts import DraftStore
    from trunkwiz.store.profiles import ProfileStore
    from trunkwiz.store.secrets import SecretStore

ClientFactory = Callable[[str, "TlsPolicy"], "PbxClient"]
ProbeFn = Callable[..., Awaitable["ProbeResult"]]

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
    """How the registration status panel polls and progress is repainted (tests shorten
    these)."""

    status_interval: float = 2.0
    """Seconds between two ``GET /providers/{id}/status`` calls."""
    offline_after: float = 30.0
    """Seconds a register trunk may stay OFFLINE before the probe explains why."""
    status_timeout: float = 300.0
    """Seconds after which polling stops (the panel says so)."""
    progress_tick: float = 1.0
    """Seconds between two repaints of a running operation's elapsed time."""


class Services(LocalStores):
    """The façade the TUI (and a command-line twin) uses; Textual-free. What it keeps on
    this machine (profiles, keyring, draft, crash log) comes from ``LocalStores``."""

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
        demo_carrier: Mapping[str, object] | None = None,
        read_ahead: bool = False,
        drafts: DraftStore | None = None,
    ) -> None:
        self.config_dir = Path(config_dir)
        self.read_ahead = read_ahead
        """The wizard: once a System Admin is signed in, start reading the tenants (the
        trunk list, a quick edit and the Tenants step want them; on a 10,000-tenant PBX
        that is 100 requests, better made while the user fills in the first steps)."""
        self.profile_name = profile_name
        self.defaults = defaults or ConnectDefaults()
        self.timing = timing or Timing()
        self.clock = clock
        self.demo_carrier = demo_carrier
        """Demo only: the carrier's host, port, transport, auth_id and password to use."""
        self._client_factory = client_factory
        self._secrets_factory = secrets
        self._probe = probe
        self._limiter: RateLimiter | None = None
        self._profiles: ProfileStore | None = None
        self._drafts: DraftStore | None = drafts
        """The draft slot (default: ``drafts/default.toml`` of ``config_dir``)."""
        self._secrets: SecretStore | None = None
        self.connection: Connection | None = None
        """The signed-in PBX connection, after ``connect``."""
        self._cleanups: list[Callable[[], None]] = []

    def on_close(self, cleanup: Callable[[], None]) -> None:
        """Run ``cleanup`` (blocking, in a thread) when the services close (the demo's
        sandbox and carrier)."""
        self._cleanups.append(cleanup)

    # -- the sign-in remembered (blocking: call from thread workers) -------------------
    def remember_profile(self, url: str, user: str, domain: str, pinned: str | None) -> None:
        """Save the connection (never the password) as this run's profile."""
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

    def remember_sign_in(
        self, url: str, user: str, domain: str, pinned: str | None, password: SecretStr | None
    ) -> tuple[str, str]:
        """Save the profile and, when ``password`` is given, keep it in the keyring
        (blocking). Returns ``(profile problem, keyring problem)``, empty when fine."""
        from trunkwiz.store.secrets import SecretStoreUnavailable  # lazy: off the first frame

        profile_problem = keyring_problem = ""
        try:
            self.remember_profile(url, user, domain, pinned)
        except (OSError, ValueError) as exc:
            profile_problem = f"The profile was not saved: {exc}"
        if password is not None:
            try:
                self.keep_password(url, user, domain, password)
            except SecretStoreUnavailable as exc:
                keyring_problem = str(exc)
        return profile_problem, keyring_problem

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
        from trunkwiz.pbx.tls import TlsPolicy  # lazy: off the first frame
        from trunkwiz.service.connection import Connection  # lazy: off the first frame

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
        if self.read_ahead:
            self.connection.read_tenants_ahead()
        return self.connection

    async def sign_in(
        self,
        url: str,
        user: str,
        password: SecretStr,
        domain: str = "",
        *,
        pinned_sha256: str | None = None,
    ) -> SignIn:
        """``connect``, its failures as a result: ``Connected``, ``NeedsTrust`` (ask, then
        sign in again with the fingerprint) or ``Refused`` (the field to show it on)."""
        from trunkwiz.pbx.errors import (  # lazy: off the first frame
            AuthError,
            BadTarget,
            FingerprintMismatch,
            PbxError,
            UntrustedCertificate,
        )
        from trunkwiz.service.outcomes import (  # lazy: off the first frame
            Connected,
            NeedsTrust,
            Refused,
        )

        try:
            conn = await self.connect(url, user, password, domain, pinned_sha256=pinned_sha256)
        except UntrustedCertificate as exc:
            return NeedsTrust(exc.fingerprint, str(exc))
        except FingerprintMismatch as exc:
            return Refused("url", str(exc), pin_expected=exc.expected)
        except AuthError as exc:
            return Refused("pbx_password", str(exc))
        except BadTarget as exc:
            return Refused("url", str(exc), bad_input=True)
        except PbxError as exc:
            return Refused("url", str(exc))
        return Connected(conn)

    async def test_carrier(self, trunk: TrunkModel, password: SecretStr | None) -> CarrierTest:
        """Ask the carrier from this host: REGISTER for a Register-Based trunk whose
        password is known, else OPTIONS; nothing for Accept Register (the gateway
        registers to the PBX)."""
        from trunkwiz.service.outcomes import CarrierTest  # lazy: off the first frame
        from trunkwiz.sip.probe import ProbeTarget  # lazy: off the first frame

        kind = str(trunk.kind.value)
        if kind == "accept_register":
            return CarrierTest(
                "", "Nothing to test: with Accept Register the gateway registers to the PBX."
            )
        password = password or getattr(trunk, "password", None)
        register = kind == "register" and bool(getattr(trunk, "registration", True))
        note = ""
        if register and password is None:
            register, note = False, " (no password typed here, so OPTIONS only)"
        method = "REGISTER" if register else "OPTIONS"
        result = await self.probe(ProbeTarget.from_trunk(trunk, password), register=register)
        return CarrierTest(method, str(result.diagnosis), note, result.ok)

    async def diagnose_registration(self, trunk: TrunkModel, password: SecretStr | None) -> str:
        """Why a Register-Based trunk stays OFFLINE, as far as this host can tell."""
        from trunkwiz.sip.probe import ProbeTarget  # lazy: off the first frame

        target = ProbeTarget.from_trunk(trunk, password)
        try:
            result = await self.probe(target)
        except Exception as exc:  # the probe reports failures in its result; this is a bug guard
            return f"the SIP probe could not run: {exc}"
        if result.ok:
            return (
                f"from this host the carrier accepts the account ({result.diagnosis}), but the "
                "PBX reports no registration yet: check the PBX's own route and firewall to the "
                "carrier, and that the trunk's transport matches the carrier's."
            )
        return str(result.diagnosis)

    def _make_client(self, url: str, tls: TlsPolicy) -> PbxClient:
        if self._client_factory is not None:
            return self._client_factory(url, tls)
        from trunkwiz.pbx.client import PbxClient  # lazy: off the first frame

        return PbxClient(url, tls=tls)

    async def probe(self, target: ProbeTarget, *, register: bool = True) -> ProbeResult:
        """Run the SIP pre-flight probe (``trunkwiz.sip.probe.probe``) on ``target``.

        Every probe of this app shares one rate limiter, so repeated probes cannot get the
        PBX's address banned by the carrier; ``register=False`` only sends OPTIONS.
        """
        if self._probe is not None:
            return await self._probe(target, register=register)
        from trunkwiz.sip.probe import probe  # lazy: off the first frame
        from trunkwiz.sip.ratelimit import STATE_FILE, RateLimiter  # lazy: off the first frame

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
        await self.close()
        cleanups, self._cleanups = self._cleanups, []
        for cleanup in reversed(cleanups):
            await asyncio.to_thread(cleanup)
