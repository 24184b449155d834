"""The demo registrar's binding table is bounded: lapsed bindings are forgotten, and a new
contact past ``max_bindings`` is refused while the registered ones stay."""

from __future__ import annotations

from pydantic import SecretStr

from trunkwiz.sip.client import Account, UserAgent
from trunkwiz.sip.registrar import DemoRegistrar, RegistrarUser
from trunkwiz.sip.transport import connect

PASSWORD = SecretStr("pw")
MAX_BINDINGS = 256
"""The documented default of ``DemoRegistrar(max_bindings=...)``."""


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_contacts_past_the_limit_are_refused_until_others_lapse() -> None:
    clock = Clock()
    user = RegistrarUser("r", PASSWORD, "demo.test")
    async with DemoRegistrar([user], max_bindings=2, clock=clock, nonce_ttl=1e9) as carrier:
        agents = [
            UserAgent(
                await connect("UDP", "127.0.0.1", carrier.port, timeout=2.0),
                Account("demo.test", "r", "", PASSWORD),
            )
            for _ in range(3)
        ]
        try:
            first = [(await ua.register(60, timeout=5.0)).response.status for ua in agents]
            assert first == [200, 200, 503]
            again = await agents[0].register(60, timeout=5.0)  # a refresh is no new contact
            assert again.response.status == 200
            assert len(carrier.bindings("r")) == 2
            clock.now += 61  # both lapse
            late = await agents[2].register(60, timeout=5.0)
            assert late.response.status == 200
            assert [b.contact for b in carrier.bindings()] == [agents[2].contact_uri]
        finally:
            for ua in agents:
                ua.close()


async def test_the_default_limit_holds_against_many_contacts() -> None:
    """One contact per socket, 257 sockets (all open, so no local port is reused): the last
    is refused and the table stays at 256."""
    user = RegistrarUser("r", PASSWORD, "demo.test")
    statuses: list[int | None] = []
    agents: list[UserAgent] = []
    async with DemoRegistrar([user]) as carrier:
        try:
            for _ in range(MAX_BINDINGS + 1):
                conn = await connect("UDP", "127.0.0.1", carrier.port, timeout=2.0)
                agents.append(UserAgent(conn, Account("demo.test", "r", "", PASSWORD)))
                statuses.append((await agents[-1].register(60, timeout=5.0)).response.status)
        finally:
            for ua in agents:
                ua.close()
        assert len(carrier.bindings("r")) == MAX_BINDINGS
    assert statuses == [200] * MAX_BINDINGS + [503]
