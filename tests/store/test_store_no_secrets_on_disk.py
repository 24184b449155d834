"""Every field the product stores goes to disk; no password ever does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.store.conftest import MemoryKeyring
from trunkwiz.store.drafts import DraftStore
from trunkwiz.store.profiles import Profile, ProfileStore
from trunkwiz.store.secrets import SecretStore, pbx_key, trunk_key
from trunkwiz.store.tomlfile import SecretKeyRefused

PBX_PW = "PbxAdmin-pw-5f1e"
TRUNK_PW = "TrunkSip-pw-9a7c"
URL = "https://pbx.example.com:8887"

WIZARD_DRAFT: dict[str, Any] = {
    "step": "review",
    "profile": "main",
    "trunk": {
        "kind": "register",
        "level": "system",
        "name": "carrier-a",
        "brand": "Generic",
        "hostname": "sip.carrier.test",
        "port": 5060,
        "transport": "UDP",
        "outbound_server": "proxy.carrier.test",
        "outbound_server_port": 5060,
        "additional_ips": ["192.0.2.0/24", "198.51.100.7"],
        "auth_id": "1001",
        "username": "acct-1001",
        "registration": True,
        "register_interval": 300,
        "concurrency": 30,
        "did_numbers": "16468097065-16468097066;16468097070-16468097080",
        "options": {
            "enabled": True,
            "inlan": False,
            "single_via_header": False,
            "rewrite_via_ip": True,
            "verify_port": False,
            "keep_alive": True,
            "keep_alive_interval": 30,
            "adjust_sdp_direction": False,
            "remove_srtp_info": False,
            "stir_shaken_signature_required": False,
        },
        "tenants": [
            {"tenant": "acme", "did_numbers": "100-199", "concurrency": 5},
            {"tenant": "globex.test", "did_numbers": "200-299", "concurrency": 10},
        ],
    },
}


def all_bytes(root: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in root.rglob("*") if p.is_file()]


def test_config_dir_never_holds_a_password(tmp_path: Path) -> None:
    root = tmp_path / "cfg"
    keyring = MemoryKeyring()
    secrets = SecretStore(keyring)
    profiles = ProfileStore(root)
    profile = Profile(
        name="main",
        url=URL,
        user="tenant-admin",
        domain="acme.test",
        ca_file="/etc/ssl/pbx.pem",
        pinned_sha256="12" * 32,
        insecure=False,
    )
    profiles.save(profile)
    profiles.save(Profile(name="sys", url=URL, insecure=True))
    secrets.set(pbx_key(profile.url, profile.user, profile.domain), PBX_PW)
    secrets.set(trunk_key(URL, "carrier-a"), TRUNK_PW)
    drafts = DraftStore(root)
    drafts.save(WIZARD_DRAFT)
    DraftStore(root, "edit-carrier-a").save(WIZARD_DRAFT)

    for bad in ({"password": PBX_PW}, {"auth": {"sip_password": TRUNK_PW}}):
        with pytest.raises(SecretKeyRefused):
            drafts.save({**WIZARD_DRAFT, "trunk": {**WIZARD_DRAFT["trunk"], **bad}})

    files = all_bytes(root)
    names = {p.relative_to(root).as_posix() for p, _ in files}
    assert names == {
        "profiles.toml",
        "profiles.toml.lock",  # empty: held while profiles are changed
        "drafts/default.toml",
        "drafts/edit-carrier-a.toml",
    }
    for path, data in files:
        for secret in (PBX_PW, TRUNK_PW):
            assert secret.encode() not in data, f"{secret} found in {path}"
    assert b"carrier-a" in (root / "drafts" / "default.toml").read_bytes()
    assert b"stir_shaken_signature_required" in (root / "drafts" / "default.toml").read_bytes()
    assert sorted(keyring.items.values()) == sorted([PBX_PW, TRUNK_PW])
