"""One rule book: ``apply --dry-run`` and the wizard's Review refuse the same trunks, for
the same fields.

Every row of ``ROWS`` is written as a trunk file and applied with ``--dry-run --json``
(the real command, in-process, against the sandbox PBX over HTTP), and turned into the
wizard's draft and checked by ``service.validate.review_check`` -- the exact call the
Review screen makes before it plans. Both must give the same verdict and the same field
keys (dotted, 0-based: ``tenants.0.did_numbers``); messages may differ. A subset is also
driven through the real Review screen (Textual's Pilot): the same verdict, each refused
field named on screen.

The PBX holds one trunk, "Existing", on ``sip.shared.example``, sharing numbers of
``HELD_POOL`` with the first tenant.
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from pydantic import SecretStr

from tests.cli.fake_keyring import MemoryKeyring
from tests.support.pilot import settle, text_of
from trunkwiz.cli import main, passwords
from trunkwiz.pbx.client import PbxClient
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.connection import Connection
from trunkwiz.service.draft import TenantPick, WizardDraft
from trunkwiz.service.validate import dotted_key, review_check
from trunkwiz.store.secrets import SecretStore

SHARED = "sip.shared.example"
HELD_POOL = "16468097066;16468097100-16468097199"
SIP_PW = "sip-Secret-4711"


@dataclass(frozen=True)
class Row:
    """One trunk of the table, in trunk-file keys; ``tenants`` hold a tenant number (0-3,
    the sandbox's tenants by id order) instead of a reference."""

    label: str
    trunk: dict[str, Any]
    tenants: tuple[dict[str, Any], ...] = ()
    keys: frozenset[str] = field(default_factory=frozenset)
    """The fields refused (empty: the trunk is good)."""


def ip(host: str = "sip.other.example", **more: Any) -> dict[str, Any]:
    return {"kind": "ip", "hostname": host, **more}


def reg(host: str = "sip.reg.example", **more: Any) -> dict[str, Any]:
    return {"kind": "register", "hostname": host, "auth_id": "100200", **more}


def t(n: int, pool: str = "", **more: Any) -> dict[str, Any]:
    return {"n": n, "did_numbers": pool, **more}


def out(name: str, **more: Any) -> dict[str, Any]:
    return {"name": name, "number_length": "11", **more}


def inb(name: str, did: str, to: str = "1001") -> dict[str, Any]:
    return {"name": name, "did_numbers": did, "forward_to": to}


def bad(*keys: str) -> frozenset[str]:
    return frozenset(keys)


ROWS: tuple[Row, ...] = (
    Row("ip one tenant", ip(), (t(0, "15550000001"),)),
    Row("ip two tenants", ip(), (t(0, "15550000001"), t(1, "15550000002-15550000009"))),
    Row("shared host, free numbers", ip(SHARED), (t(1, "16468097300-16468097309"),)),
    Row(
        "shared host, a number another trunk holds",
        ip(SHARED),
        (t(1, "16468097066"),),
        bad("tenants.0.did_numbers"),
    ),
    Row(
        "shared host, a range into another trunk's",
        ip(SHARED),
        (t(2, "16468097150-16468097160"),),
        bad("tenants.0.did_numbers"),
    ),
    Row(
        "shared host in other case",
        ip("SIP.Shared.Example"),
        (t(1, "16468097120"),),
        bad("tenants.0.did_numbers"),
    ),
    Row("same numbers on another host", ip(), (t(1, "16468097066"),)),
    Row(
        "shared host, second tenant clashes",
        ip(SHARED),
        (t(1, "16468097400"), t(2, "16468097101")),
        bad("tenants.1.did_numbers"),
    ),
    Row(
        "two tenants overlap each other",
        ip(),
        (t(0, "15550000001-15550000005"), t(1, "15550000003")),
        bad("tenants.1.did_numbers"),
    ),
    Row(
        "overlap each other and the PBX",
        ip(SHARED),
        (t(1, "16468097066"), t(2, "16468097066")),
        bad("tenants.1.did_numbers"),  # the PBX is asked once the trunk itself is valid
    ),
    Row("two bad entries", ip(), (t(0, "123x;0456;15550000001"),), bad("tenants.0.did_numbers")),
    Row("leading plus", ip(), (t(0, "+15550000001"),), bad("tenants.0.did_numbers")),
    Row("reversed range", ip(), (t(0, "15550000009-15550000001"),), bad("tenants.0.did_numbers")),
    Row("empty entry", ip(), (t(0, "15550000001;;15550000002"),), bad("tenants.0.did_numbers")),
    Row("too long", ip(), (t(0, "1234567890123456"),), bad("tenants.0.did_numbers")),
    Row("outbound only tenant", ip(), (t(0, ""),)),
    Row(
        "tenant cap above the trunk's",
        ip(concurrency=50),
        (t(0, "15550000001", concurrency=100000),),
        bad("tenants.0.concurrency"),
    ),
    Row(
        "tenant cap equal to the trunk's",
        ip(concurrency=50),
        (t(0, "15550000001", concurrency=50),),
    ),
    Row(
        "two tenant caps above",
        ip(concurrency=10),
        (t(0, "15550000001", concurrency=11), t(1, "15550000002", concurrency=12)),
        bad("tenants.0.concurrency", "tenants.1.concurrency"),
    ),
    Row("hostname with a scheme", ip("sip://x.example"), (t(0, "15550000001"),), bad("hostname")),
    Row("port out of range", ip(port=70000), (t(0, "15550000001"),), bad("port")),
    Row(
        "associated IP with host bits",
        ip(additional_ips=["10.0.0.1/8"]),
        (t(0, "15550000001"),),
        bad("additional_ips.0"),
    ),
    Row("register trunk", reg(), (t(0, "15550000001"),)),
    Row("register trunk without auth id", reg(auth_id=""), (t(0, "15550000001"),), bad("auth_id")),
    Row(
        "register trunk on the shared host",
        reg(SHARED),
        (t(3, "16468097199"),),
        bad("tenants.0.did_numbers"),
    ),
    Row(
        "caller ID in the pool",
        ip(),
        (t(0, "15550000001-15550000009", outbound=[out("Out", caller_id="15550000002")]),),
    ),
    Row(
        "caller ID outside the pool",
        ip(),
        (t(0, "15550000001", outbound=[out("Out", caller_id="15559999999")]),),
        bad("tenants.0.outbound.0.caller_id"),
    ),
    Row(
        "inbound DID in the pool",
        ip(),
        (t(0, "15550000001-15550000009", inbound=[inb("In", "15550000003")]),),
    ),
    Row(
        "inbound DID outside the pool",
        ip(),
        (t(0, "15550000001", inbound=[inb("In", "15550000002")]),),
        bad("tenants.0.inbound.0.did_numbers"),
    ),
    Row(
        "the same DID in two inbound rules",
        ip(),
        (
            t(
                0,
                "15550000001-15550000009",
                inbound=[inb("A", "15550000003"), inb("B", "15550000002-15550000004", "1100-1102")],
            ),
        ),
        bad("tenants.0.inbound.1.did_numbers"),
    ),
    Row(
        "two outbound rules of one name",
        ip(),
        (t(0, "15550000001", outbound=[out("Same"), out("Same")]),),
        bad("tenants.0.outbound.1.name"),
    ),
    Row(  # names are matched exactly: "Same" and "same" are two rules
        "two outbound rules whose names differ in case",
        ip(),
        (t(0, "15550000001", outbound=[out("Same"), out("same")]),),
    ),
    Row(
        "strip digits out of range",
        ip(),
        (t(0, "15550000001", outbound=[out("Out", strip_digits=12)]),),
        bad("tenants.0.outbound.0.strip_digits"),
    ),
    Row(
        "accept register on a tenant's SIP domain",
        {"kind": "accept_register", "hostname": "DOMAIN0", "auth_id": "gw1"},
        (t(1, "15550000001"),),
        bad("hostname"),
    ),
    Row(
        "accept register on its own label",
        {"kind": "accept_register", "hostname": "gw.accept.example", "auth_id": "gw1"},
        (t(1, "15550000001"),),
    ),
)

#: Rows driven through the real Review screen as well.
ON_SCREEN = (0, 3, 8, 10, 16, 26, 29)


def run_cli(argv: list[str], stdin: str, config: Path) -> tuple[int, str, str]:
    """``trunkwiz --config CONFIG *argv`` in-process, stdin given; (code, stdout, stderr)."""
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(stdin), io.StringIO(), io.StringIO()
    try:
        code = main(["--config", str(config), *argv])
        return code, sys.stdout.getvalue(), sys.stderr.getvalue()
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


@pytest.fixture(scope="module")
def pbx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """The sandbox, holding trunk "Existing" on ``SHARED`` (first tenant: ``HELD_POOL``),
    created with ``trunkwiz apply``."""
    server = SandboxServer(tenants=4).start()
    try:
        folder = tmp_path_factory.mktemp("parity")
        seed = folder / "seed.toml"
        first = str(tenants_of(server)[0]["id"])
        seed.write_text(
            tomli_w.dumps(
                {
                    "trunk": [
                        {
                            "name": "Existing",
                            "kind": "ip",
                            "hostname": SHARED,
                            "tenants": [{"tenant": first, "did_numbers": HELD_POOL}],
                        }
                    ]
                }
            )
        )
        code, _out, err = run_cli(
            ["--pbx", server.url, "apply", str(seed), "--password-stdin"],
            DEFAULT_ADMIN_PASSWORD + "\n",
            folder / "config",
        )
        assert code == 0, err
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _memory_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = MemoryKeyring()
    monkeypatch.setattr(passwords, "open_secret_store", lambda: SecretStore(backend=backend))


def tenants_of(server: SandboxServer) -> list[dict[str, Any]]:
    return sorted(server.state.tenants.values(), key=lambda x: int(x["id"].encode().hex(), 16))


def file_text(row: Row, name: str, server: SandboxServer) -> str:
    tenants = tenants_of(server)
    trunk = {"name": name, **_resolved(row.trunk, tenants)}
    entries = []
    for item in row.tenants:
        entry = {k: v for k, v in item.items() if k != "n"}
        entry["tenant"] = str(tenants[item["n"]]["id"])
        entries.append(entry)
    if entries:
        trunk["tenants"] = entries
    return tomli_w.dumps({"trunk": [trunk]})


def _resolved(values: dict[str, Any], tenants: list[dict[str, Any]]) -> dict[str, Any]:
    out = dict(values)
    if out.get("hostname") == "DOMAIN0":
        out["hostname"] = str(tenants[0]["domain"])
    return out


def cli_verdict(row: Row, name: str, server: SandboxServer, tmp: Path) -> tuple[int, set[str]]:
    """``apply --dry-run --json`` of the row: exit code and the refused fields (dotted)."""
    path = tmp / f"{name}.toml"
    path.write_text(file_text(row, name, server))
    stdin = DEFAULT_ADMIN_PASSWORD + "\n"
    if row.trunk["kind"] != "ip":
        stdin += f"{name}\t{SIP_PW}\n"
    argv = ["--pbx", server.url, "apply", str(path), "--dry-run", "--json", "--password-stdin"]
    code, out, err = run_cli(argv, stdin, tmp / "config")
    report = json.loads(out)
    keys = {dotted_key(e["key"]) for e in report.get("errors", []) if e.get("key")}
    assert code in (0, 2), err
    return code, keys


def draft_of(row: Row, name: str, server: SandboxServer) -> WizardDraft:
    """The row as the wizard's draft at the Review step (as the steps would have left it)."""
    tenants = tenants_of(server)
    values = _resolved(row.trunk, tenants)
    kind = values.pop("kind")
    fields: dict[str, Any] = {"name": name, **values}
    if isinstance(fields.get("additional_ips"), list):
        fields["additional_ips"] = ";".join(fields["additional_ips"])
    picks, routes = [], {}
    for item in row.tenants:
        tenant = tenants[item["n"]]
        tid = str(tenant["id"])
        picks.append(
            TenantPick(tid, str(tenant["name"]), item["did_numbers"], item.get("concurrency"))
        )
        rules = {k: item[k] for k in ("outbound", "inbound") if k in item}
        if rules:
            routes[tid] = rules
    draft = WizardDraft(
        step="review",
        url=server.url,
        user="admin",
        kind=kind,
        level="system",
        fields=fields,
        tenants=picks,
        routes=routes,
    )
    if kind != "ip":
        draft.password = SecretStr(SIP_PW)
    return draft


async def wizard_verdict(row: Row, name: str, server: SandboxServer) -> tuple[bool, set[str]]:
    """``review_check`` of the row's draft, signed in as the Review is: (ok, fields)."""
    async with PbxClient(server.url) as client:
        session = await client.sign_in("admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        conn = Connection(client, session, url=server.url, user="admin")
        checked = await review_check(conn, draft_of(row, name, server))
    return checked.ok, {f.key for f in checked.findings}


def test_the_table_is_big_enough() -> None:
    assert len(ROWS) >= 30
    assert sum(1 for r in ROWS if r.keys) >= 15 and sum(1 for r in ROWS if not r.keys) >= 10


@pytest.mark.parametrize("number", range(len(ROWS)), ids=[r.label for r in ROWS])
def test_apply_dry_run_and_the_review_agree(
    number: int, pbx: SandboxServer, tmp_path: Path
) -> None:
    row = ROWS[number]
    name = f"parity-{number:02d}"
    before = len(pbx.state.trunks)
    code, cli_keys = cli_verdict(row, name, pbx, tmp_path)
    ok, wizard_keys = asyncio.run(wizard_verdict(row, name, pbx))
    assert cli_keys == set(row.keys), f"apply --dry-run: {cli_keys}"
    assert wizard_keys == set(row.keys), f"Review: {wizard_keys}"
    assert code == (2 if row.keys else 0)
    assert ok is not bool(row.keys)
    assert len(pbx.state.trunks) == before  # a dry run and a check send nothing


@pytest.mark.parametrize("number", ON_SCREEN, ids=[ROWS[n].label for n in ON_SCREEN])
async def test_the_review_screen_shows_the_same_verdict(
    number: int, pbx: SandboxServer, tmp_path: Path
) -> None:
    from trunkwiz.domain.labels import label_of
    from trunkwiz.service.services import Services
    from trunkwiz.tui.app import TrunkWizApp

    row = ROWS[number]
    store = SecretStore(MemoryKeyring(), timeout=2.0)
    services = Services(config_dir=tmp_path / "config", secrets=lambda: store)
    await services.connect(pbx.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
    try:
        draft = draft_of(row, f"screen-{number:02d}", pbx)
        app = TrunkWizApp(services, start="review", draft=draft)
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            shown = text_of(pilot, "#plan")
            refused = shown.startswith("Cannot submit yet")
            assert refused is bool(row.keys), shown
            assert app.screen.query_one("#submit").disabled is bool(row.keys)
            for key in row.keys:
                assert f"  {label_of(key)} (" in shown, (key, shown)
    finally:
        await services.close()
