"""Which PBX a non-interactive command talks to, as whom, and how it trusts the certificate.

``--profile NAME`` (else the default profile) from the configuration directory;
``--pbx``/``--user``/``--domain`` override it. A profile's pinned fingerprint, CA file and
insecure flag apply only to the profile's own URL. ``--pin SHA256`` trusts a self-signed
certificate for this run; ``--insecure`` disables verification with a loud warning.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from trunkwiz.cli.common import CliError, say
from trunkwiz.pbx.errors import BadTarget
from trunkwiz.pbx.tls import normalize_fingerprint
from trunkwiz.pbx.transport import check_url
from trunkwiz.store.paths import config_dir
from trunkwiz.store.profiles import ProfileNotFound, ProfileStore
from trunkwiz.store.tomlfile import ConfigFileError

DEFAULT_URL = "https://127.0.0.1:8887"


@dataclass(frozen=True)
class Target:
    """Which PBX, as whom, and how to trust its certificate."""

    url: str
    user: str
    domain: str = ""
    ca_file: str | None = None
    pinned_sha256: str | None = None
    insecure: bool = False
    allow_http: bool = False


def resolve_target(args: argparse.Namespace) -> Target:
    """The target from the profile and the options (``CliError`` code 2 when invalid)."""
    store = ProfileStore(config_dir(getattr(args, "config", None)))
    name = getattr(args, "profile", None)
    try:
        profile = store.load(name) if name else store.default()
    except ProfileNotFound as exc:
        raise CliError(f"{exc}; saved profiles: {', '.join(store.names()) or 'none'}", 2) from None
    except ConfigFileError as exc:
        raise CliError(str(exc), 2) from None
    url = (getattr(args, "pbx", None) or (profile.url if profile else DEFAULT_URL)).rstrip("/")
    same = profile is not None and profile.url == url
    user = getattr(args, "user", None) or (profile.user if same and profile else "admin")
    domain = getattr(args, "domain", None) or (profile.domain if same and profile else "") or ""
    pin = getattr(args, "pin", None) or (profile.pinned_sha256 if same and profile else None)
    if pin:
        try:
            pin = normalize_fingerprint(pin)
        except ValueError as exc:
            raise CliError(f"--pin: {exc}", 2) from None
    flag = bool(getattr(args, "insecure", False))
    insecure = flag or bool(same and profile and profile.insecure)
    ca_file = getattr(args, "ca_file", None) or (profile.ca_file if same and profile else None)
    try:
        check_url(url)
    except BadTarget as exc:
        raise CliError(f"--pbx: {exc}", 2) from None
    if insecure and not pin and url.startswith("https:"):
        source = "--insecure" if flag else f"insecure = true in profile {profile.name!r}"  # type: ignore[union-attr]
        say(
            f"WARNING: {source}: the PBX's TLS certificate is NOT verified. Anyone on the "
            "network path can read the admin password. Pin the certificate instead (--pin)."
        )
    allow_http = bool(getattr(args, "allow_http", False))
    return Target(url, user, domain, ca_file, pin, insecure and not pin, allow_http)
