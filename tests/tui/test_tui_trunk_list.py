"""The Kind step's trunk list: one failing read never hides the other trunks, one line per
trunk at 80x24 (cut with "…"), the first row highlighted when the list gets focus, and
``trunkwiz edit NAME`` opening NAME or saying in one line why not (non-zero exit).

The PBX is the real sandbox over HTTP; a transport in front of it answers 403 to the status
read of the trunks a test names (the spec allows a 4xx there), everything else passes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from textual.pilot import Pilot
from textual.widgets import OptionList

from tests.tui.conftest import (
    MemoryKeyring,
    create_trunk,
    make_services,
    screen_text,
    settle,
    step_of,
    wait_for,
)
from tests.tui.ptyrun import PtyApp
from trunkwiz.cli import make_app, passwords
from trunkwiz.pbx.client import PbxClient
from trunkwiz.pbx.tls import TlsPolicy, build_transport
from trunkwiz.sandbox.server import DEFAULT_ADMIN_PASSWORD, SandboxServer
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.store.secrets import SecretStore, pbx_key
from trunkwiz.tui.app import TrunkWizApp

ROOT = Path(__file__).resolve().parents[2]

#: What the refusing transport says: markup, an escape sequence and a newline (hostile).
REFUSAL = "[b]no[/b] \x1b[31mred\nsecond"


class RefuseStatus(httpx.AsyncBaseTransport):
    """The real transport, except that ``GET /providers/{id}/status`` of the ids in
    ``refused`` is answered 403 with ``REFUSAL`` as the PBX's message."""

    def __init__(self, inner: httpx.AsyncBaseTransport, refused: set[str]) -> None:
        self.inner = inner
        self.refused = refused

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        match = re.fullmatch(r"/api/providers/([^/]+)/status", request.url.path)
        if request.method == "GET" and match and match.group(1) in self.refused:
            body = {"errors": [{"code": "FORBIDDEN", "message": REFUSAL}]}
            return httpx.Response(403, json=body, request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def refusing(refused: set[str]) -> Any:
    """A client factory whose clients refuse the status of ``refused``."""

    def factory(url: str, tls: TlsPolicy) -> PbxClient:
        return PbxClient(url, tls=tls, transport=RefuseStatus(build_transport(tls), refused))

    return factory


@pytest.fixture
def cli_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    """The keyring the in-process command line's services use (in memory)."""
    backend = MemoryKeyring()
    monkeypatch.setattr(passwords, "open_secret_store", lambda: SecretStore(backend, timeout=2.0))
    return backend


def kind_app(services: Services, sandbox: SandboxServer) -> TrunkWizApp:
    return TrunkWizApp(services, start="kind", draft=WizardDraft(url=sandbox.url, level="system"))


def listing(pilot: Pilot[Any]) -> OptionList:
    return pilot.app.screen.query_one("#trunks", OptionList)


def listed_ids(pilot: Pilot[Any]) -> list[str]:
    trunks = listing(pilot)
    return [
        option.id
        for option in (trunks.get_option_at_index(i) for i in range(trunks.option_count))
        if option.id is not None
    ]


def row_line(pilot: Pilot[Any], trunk_id: str) -> str:
    """The list's line of ``trunk_id`` as plain text."""
    trunks = listing(pilot)
    index = listed_ids(pilot).index(trunk_id)
    return str(trunks.get_option_at_index(index).prompt)


async def names_in_order(services: Services) -> list[tuple[str, str]]:
    """``(id, name)`` of every trunk on the PBX as the list orders them (by name)."""
    conn = services.connection
    assert conn is not None
    pairs = [(i.id, i.name) for i in await conn.trunk_summaries()]
    return sorted(pairs, key=lambda p: p[1].lower())


# -- one failing read ---------------------------------------------------------------------
async def test_a_refused_status_marks_its_row_and_every_trunk_stays_listed_and_opens(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    refused: set[str] = set()
    services = make_services(sandbox.url, tmp_path / "config", client_factory=refusing(refused))
    await services.connect(sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
    healthy = await create_trunk(services, name="aa-healthy", hostname="healthy.list.test")
    sick = await create_trunk(services, name="ab-sick", hostname="sick.list.test")
    refused.add(sick)
    app = kind_app(services, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: {healthy, sick} <= set(listed_ids(pilot)))
        line = row_line(pilot, sick)
        assert "ab-sick" in line and "status unknown: 403" in line
        # the PBX's words are shown as typed: markup literal, control characters visible
        screen = screen_text(pilot)
        assert "status unknown: 403" in screen
        assert "\x1b" not in line and "\n" not in line
        assert "OFFLINE" in row_line(pilot, healthy)
        # the healthy trunk opens from the list
        trunks = listing(pilot)
        trunks.focus()
        trunks.highlighted = listed_ids(pilot).index(healthy)
        await pilot.press("enter")
        await wait_for(pilot, lambda: step_of(pilot) == "basic")
        assert app.draft.trunk_id == healthy
    await services.close()


async def test_the_status_column_says_why_in_full_when_there_is_room(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    refused: set[str] = set()
    services = make_services(sandbox.url, tmp_path / "config", client_factory=refusing(refused))
    await services.connect(sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
    sick = await create_trunk(services, name="ac-why", hostname="why.list.test")
    refused.add(sick)
    app = kind_app(services, sandbox)
    async with app.run_test(size=(200, 30)) as pilot:
        await wait_for(pilot, lambda: sick in listed_ids(pilot))
        line = row_line(pilot, sick)
        assert "status unknown: 403 permission denied ([b]no[/b] \\x1b[31mred\\nsecond)" in line
    await services.close()


# -- the list at 80x24 --------------------------------------------------------------------
LONG_HOST = "us-west-and-further.flowroute.example.test"
LONG_NAME = "a-very-long-trunk-name-for-the-list"


@pytest.fixture(scope="module")
def many(sandbox: SandboxServer, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Fourteen trunks on the module's sandbox (one with a long name and host)."""
    import asyncio

    async def make() -> None:
        services = make_services(sandbox.url, tmp_path_factory.mktemp("many") / "config")
        await services.connect(sandbox.url, "admin", SecretStr(DEFAULT_ADMIN_PASSWORD))
        await create_trunk(services, kind="ip", name=LONG_NAME, hostname=LONG_HOST)
        for n in range(13):
            await create_trunk(services, name=f"m-trunk-{n:02}", hostname=f"h{n}.many.test")
        await services.close()

    asyncio.run(make())


async def on_kind_with_trunks(pilot: Pilot[Any], count: int) -> None:
    await wait_for(pilot, lambda: len(listed_ids(pilot)) >= count)
    await settle(pilot)


async def test_each_trunk_is_one_line_and_the_list_fills_the_room_at_80x24(
    connected: Services, sandbox: SandboxServer, many: None
) -> None:
    app = kind_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_kind_with_trunks(pilot, 14)
        lines = screen_text(pilot).splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        trunks = listing(pilot)
        top = trunks.region.y + 1  # inside the border
        inside = lines[top : trunks.region.y + trunks.region.height - 1]
        # every row inside the list is a trunk, name and status on the same line
        assert len(inside) >= 8
        for text in inside:
            assert re.search(r"(OFFLINE|ONLINE|status unknown)", text), text
        # long values are cut with "…", never wrapped
        long_row = next(text for text in lines if "a-very-long" in text)
        assert "…" in long_row and "us-west-and" in long_row
        assert LONG_NAME not in long_row and LONG_HOST not in long_row
        header = screen_text(pilot).splitlines()[trunks.region.y - 1]
        assert header.split() == ["Name", "Kind", "Brand", "Host", "Tenants", "Status"]
        name_at = header.index("Name")
        assert all(len(text) - len(text.lstrip(" ▊")) == name_at for text in inside)


async def test_tab_highlights_the_first_trunk_and_enter_opens_it(
    connected: Services, sandbox: SandboxServer, many: None
) -> None:
    first_id, first_name = (await names_in_order(connected))[0]
    app = kind_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_kind_with_trunks(pilot, 14)
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused is listing(pilot)
        assert listing(pilot).highlighted == 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: step_of(pilot) == "basic")
        assert app.draft.trunk_id == first_id
        assert app.screen.query_one("#name").value == first_name


async def test_tab_down_enter_opens_the_second_trunk(
    connected: Services, sandbox: SandboxServer, many: None
) -> None:
    second_id, _ = (await names_in_order(connected))[1]
    app = kind_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await on_kind_with_trunks(pilot, 14)
        await pilot.press("tab", "down", "enter")
        await wait_for(pilot, lambda: step_of(pilot) == "basic")
        assert app.draft.trunk_id == second_id


# -- trunkwiz edit NAME -------------------------------------------------------------------
async def test_edit_name_opens_a_healthy_trunk_while_another_status_is_refused(
    connected: Services, sandbox: SandboxServer, tmp_path: Path, cli_keyring: MemoryKeyring
) -> None:
    wanted = await create_trunk(connected, name="Edit-Healthy", hostname="healthy.edit.test")
    other = await create_trunk(connected, name="Edit-Sick", hostname="sick.edit.test")
    cli_keyring.items[("trunkwiz", pbx_key(sandbox.url, "admin"))] = DEFAULT_ADMIN_PASSWORD
    argv = ["edit", "edit-healthy", "--pbx", sandbox.url, "--user", "admin",
            "--config", str(tmp_path)]  # fmt: skip
    app = make_app(argv)
    assert isinstance(app, TrunkWizApp)
    app.services._client_factory = refusing({other})
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: step_of(pilot) == "basic")
        assert app.draft.trunk_id == wanted
        assert app.screen.query_one("#hostname").value == "healthy.edit.test"


async def test_edit_of_a_trunk_whose_detail_cannot_be_read_says_why_and_exits_1(
    connected: Services, sandbox: SandboxServer, tmp_path: Path, cli_keyring: MemoryKeyring
) -> None:
    from trunkwiz.cli.edit import refusal_line

    gone = await create_trunk(connected, name="Edit-Gone", hostname="gone.edit.test")
    cli_keyring.items[("trunkwiz", pbx_key(sandbox.url, "admin"))] = DEFAULT_ADMIN_PASSWORD
    argv = ["edit", "Edit-Gone", "--pbx", sandbox.url, "--user", "admin",
            "--config", str(tmp_path)]  # fmt: skip
    app = make_app(argv)

    class RefuseDetail(httpx.AsyncBaseTransport):
        def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
            self.inner = inner

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.method == "GET" and request.url.path == f"/api/providers/{gone}":
                return httpx.Response(403, json={"errors": [{"message": "nope"}]})
            return await self.inner.handle_async_request(request)

    def factory(url: str, tls: TlsPolicy) -> PbxClient:
        return PbxClient(url, tls=tls, transport=RefuseDetail(build_transport(tls)))

    app.services._client_factory = factory
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.return_code is not None)
        assert step_of(pilot) == "kind"
    assert app.return_code == 1
    line = refusal_line(app)  # type: ignore[arg-type]
    assert line is not None and "\n" not in line
    assert line.startswith("trunkwiz edit: Cannot open trunk 'Edit-Gone': ")
    assert "permission denied (nope)" in line


@pytest.fixture
def edit_nope(sandbox: SandboxServer, tmp_path: Path) -> Iterator[PtyApp]:
    """``trunkwiz edit Nope`` on a pty (80x24) against the sandbox, no keyring, with the
    environment a user has (Python's output buffered)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRUNKWIZ_", "TEXTUAL"))}
    env.pop("PYTHONUNBUFFERED", None)
    env.update(TERM="xterm-256color", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    args = ["--pbx", sandbox.url, "--user", "admin", "--config", str(tmp_path / "config"),
            "edit", "Nope"]  # fmt: skip
    app = PtyApp(args, env, ROOT)
    try:
        yield app
    finally:
        app.close()


def test_edit_of_an_unknown_name_says_so_in_one_line_and_exits_2(edit_nope: PtyApp) -> None:
    edit_nope.wait_for("Sign in to the PBX")
    edit_nope.send(DEFAULT_ADMIN_PASSWORD, "ctrl+n")
    assert edit_nope.wait(30) == 2
    edit_nope.wait_for("No trunk named")  # all output read
    shown = edit_nope.text()
    tail = shown[shown.rindex("trunkwiz edit: ") :].rstrip()
    assert "\n" not in tail and "\r" not in tail  # one line, the last one written
    assert tail.startswith("trunkwiz edit: No trunk named 'Nope' on this PBX. ")
