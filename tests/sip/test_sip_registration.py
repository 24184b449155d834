"""`Registration`: honest ONLINE/OFFLINE against real registrars."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from tests.sip.conftest import Kamailio, current_bindings, free_port
from trunkwiz.sip.probe import ProbeTarget
from trunkwiz.sip.registrar import DemoRegistrar, RegistrarUser
from trunkwiz.sip.registration import OFFLINE, ONLINE, Registration


def _target(
    kam: Kamailio, transport: str = "UDP", password: SecretStr | None = None
) -> ProbeTarget:
    return ProbeTarget(
        "127.0.0.1", kam.port, transport, kam.user, "", password or kam.password, kam.realm
    )


async def test_sip_registration_online_then_stop_leaves_no_binding(kamailio_md5: Kamailio) -> None:
    kam = kamailio_md5
    changes: list[str] = []
    reg = Registration(
        _target(kam, "TCP"), expires=120, on_change=lambda r: changes.append(r.state)
    )
    reg.start()
    try:
        assert await reg.wait_for_state(ONLINE, 5), reg.reason
        assert reg.status == 200 and reg.granted == 120
        assert "registered" in reg.reason
        listed = await current_bindings(kam.port, auth_id=kam.user, password=kam.password)
        assert len(listed) == 1 and listed[0].endswith(";transport=tcp")
    finally:
        await reg.stop()
    assert reg.state == OFFLINE and reg.reason == "stopped"
    assert changes[0] == ONLINE and changes[-1] == OFFLINE
    assert await current_bindings(kam.port, auth_id=kam.user, password=kam.password) == []
    assert kam.password.get_secret_value() not in repr(reg)


async def test_sip_registration_wrong_password_is_offline_with_403(
    kamailio_sha256: Kamailio,
) -> None:
    reg = Registration(_target(kamailio_sha256, password=SecretStr("nope")), backoff_min=60)
    reg.start()
    try:
        assert await reg.wait_for_attempts(1, 5)
        assert reg.state == OFFLINE
        assert "403" in reg.reason and reg.status == 403
        assert reg.failures == 1
    finally:
        await reg.stop()
    assert "nope" not in reg.reason


async def test_sip_registration_refreshes_before_expiry() -> None:
    pw = SecretStr("pw")
    async with DemoRegistrar([RegistrarUser("r", pw, "demo.test")]) as carrier:
        target = ProbeTarget("127.0.0.1", carrier.port, "UDP", "r", "", pw, "demo.test")
        reg = Registration(target, expires=1, min_refresh=0.2, refresh_ratio=0.5)
        reg.start()
        try:
            assert await reg.wait_for_attempts(3, 5), reg.reason
            assert reg.state == ONLINE and reg.failures == 0
            [binding] = carrier.bindings("r")  # refreshed, not duplicated
        finally:
            await reg.stop()
        assert carrier.bindings() == []
        assert binding.transport == "UDP"


async def test_sip_registration_offline_when_nothing_answers_then_backs_off() -> None:
    port = free_port()
    reg = Registration(
        ProbeTarget("127.0.0.1", port, "TCP", "u", "", SecretStr("p")),
        backoff_min=0.05,
        backoff_max=0.2,
    )
    reg.start()
    try:
        assert await reg.wait_for_attempts(3, 5)
        assert reg.state == OFFLINE and "nothing listens" in reg.reason
        assert reg.failures >= 3
    finally:
        await reg.stop()
    assert not reg.running


async def test_sip_registration_goes_online_when_carrier_appears() -> None:
    pw = SecretStr("pw")
    port = free_port()
    reg = Registration(
        ProbeTarget("127.0.0.1", port, "TCP", "r", "", pw, "demo.test"),
        backoff_min=0.05,
        backoff_max=0.1,
    )
    reg.start()
    try:
        assert await reg.wait_for_attempts(1, 5)
        assert reg.state == OFFLINE
        async with DemoRegistrar([RegistrarUser("r", pw, "demo.test")], port=port) as carrier:
            assert await reg.wait_for_state(ONLINE, 5), reg.reason
            assert len(carrier.bindings("r")) == 1
            await reg.stop()
            assert carrier.bindings() == []
    finally:
        await reg.stop()


async def test_sip_password_never_in_logs_results_or_reprs(
    kamailio_md5: Kamailio, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    from trunkwiz.sip.probe import probe

    secret = kamailio_md5.password.get_secret_value()
    caplog.set_level(logging.DEBUG)
    texts = []
    for password in (kamailio_md5.password, SecretStr("wrong-" + secret)):
        target = _target(kamailio_md5, "UDP", password)
        result = await probe(target, timeout=3)
        texts += [repr(result), str(result.to_dict()), repr(target)]
    reg = Registration(_target(kamailio_md5), backoff_min=60)
    reg.start()
    try:
        assert await reg.wait_for_state(ONLINE, 5)
        texts += [repr(reg), reg.reason, repr(reg.target)]
    finally:
        await reg.stop()
    texts.append(caplog.text)
    assert "registered" in texts[0] or "registered" in texts[1]
    assert all(secret not in t for t in texts)
