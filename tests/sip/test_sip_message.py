"""The SIP message parser: structure, compact forms, framing, and fuzzing."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trunkwiz.sip.headers import parse_cseq, parse_name_addr, parse_via, top_via
from trunkwiz.sip.message import SipMessage, SipParseError, StreamFramer, parse_message
from trunkwiz.sip.registrar import DemoRegistrar, RegistrarUser

VALID = (
    b"SIP/2.0 200 OK\r\n"
    b"v: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKaaa;rport=5060, SIP/2.0/TCP [2001:db8::1]:5070"
    b";branch=z9hG4bKbbb\r\n"
    b"VIA: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKccc\r\n"
    b'f: "Alice" <sip:alice@example.com>;tag=1\r\n'
    b"t: <sip:alice@example.com>;tag=2\r\n"
    b"i: abc@host\r\n"
    b"cseq: 7 REGISTER\r\n"
    b"m: <sip:alice@10.0.0.1:5060>;expires=60, <sip:alice@10.0.0.2;transport=tcp>;expires=30\r\n"
    b"Subject: folded\r\n  continuation\r\n"
    b"l: 5\r\n\r\nhello"
)

REQUEST = (
    b"REGISTER sip:example.com SIP/2.0\r\n"
    b"Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1;rport\r\n"
    b"From: <sip:u@example.com>;tag=a\r\nTo: <sip:u@example.com>\r\n"
    b"Call-ID: c1\r\nCSeq: 1 REGISTER\r\nContact: <sip:u@127.0.0.1:5062>\r\n"
    b'Authorization: Digest username="u", realm="r", nonce="n", uri="sip:example.com", '
    b'response="00", qop=auth, nc=00000001, cnonce="x"\r\n'
    b"Expires: 60\r\nContent-Length: 0\r\n\r\n"
)


def test_sip_message_compact_forms_case_and_multiple_via() -> None:
    msg = parse_message(VALID)
    assert msg.status == 200 and msg.reason == "OK" and not msg.is_request
    vias = msg.get_list("Via")
    assert len(vias) == 3
    assert top_via(msg).branch == "z9hG4bKaaa"
    second = parse_via(vias[1])
    assert (second.transport, second.host, second.port) == ("TCP", "[2001:db8::1]", 5070)
    assert parse_via(vias[2]).port is None
    assert msg.get("call-id") == msg.get("i") == "abc@host"
    assert parse_cseq(msg.get("CSeq")) == (7, "REGISTER")
    contacts = [parse_name_addr(c) for c in msg.get_list("m")]
    assert [c.params["expires"] for c in contacts] == ["60", "30"]
    assert parse_name_addr(msg.get("From") or "").display == "Alice"
    assert msg.get("Subject") == "folded continuation"
    assert msg.body == b"hello"


def test_sip_message_round_trip_and_content_length() -> None:
    msg = parse_message(REQUEST)
    assert msg.method == "REGISTER" and msg.uri == "sip:example.com"
    msg.body = b"xyz"
    again = parse_message(msg.encode())
    assert again.body == b"xyz" and again.get("Content-Length") == "3"
    assert again.headers[:-1] == [h for h in msg.headers if h[0] != "Content-Length"]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\r\n\r\n",
        b"HELLO\r\n\r\n",
        b"SIP/2.0 99 Low\r\n\r\n",
        b"SIP/2.0 2x0 OK\r\n\r\n",
        b"INVITE sip:a SIP/3.0\r\n\r\n",
        b"INV(TE sip:a SIP/2.0\r\n\r\n",
        b"OPTIONS sip:a SIP/2.0\r\nNoColon\r\n\r\n",
        b"OPTIONS sip:a SIP/2.0\r\n continuation\r\n\r\n",
        b"OPTIONS sip:a SIP/2.0\r\nContent-Length: 10\r\n\r\nshort",
        b"OPTIONS sip:a SIP/2.0\r\nContent-Length: -1\r\n\r\n",
        b"OPTIONS sip:a SIP/2.0\r\nX: \xff\xfe\r\n\r\n",
        b"OPTIONS sip:a SIP/2.0\r\nVia: nothing",
    ],
)
def test_sip_message_rejects_malformed(data: bytes) -> None:
    with pytest.raises(SipParseError):
        parse_message(data)


def test_sip_message_stream_framer_splits_and_waits_for_body() -> None:
    framer = StreamFramer()
    stream = b"\r\n\r\n" + VALID + REQUEST
    got: list[SipMessage] = []
    for i in range(0, len(stream), 7):
        got += framer.feed(stream[i : i + 7])
    assert [m.status or m.method for m in got] == [200, "REGISTER"]
    assert got[0].body == b"hello"


def _mutations() -> st.SearchStrategy[bytes]:
    base = st.sampled_from([VALID, REQUEST])

    def mutate(data: bytes, ops: list[tuple[int, int, bytes]]) -> bytes:
        buf = bytearray(data)
        for kind, pos, chunk in ops:
            pos %= len(buf) + 1
            if kind == 0:
                buf[pos:pos] = chunk
            elif kind == 1:
                del buf[pos : pos + len(chunk) + 1]
            else:
                buf[pos : pos + len(chunk)] = chunk
        return bytes(buf)

    op = st.tuples(st.integers(0, 2), st.integers(0, 2000), st.binary(min_size=1, max_size=8))
    return st.builds(mutate, base, st.lists(op, min_size=1, max_size=6))


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _registrar() -> DemoRegistrar:
    from pydantic import SecretStr

    return DemoRegistrar([RegistrarUser("u", SecretStr("pw"), realm="r")])


@FUZZ
@given(st.one_of(st.binary(max_size=600), _mutations()))
def test_sip_message_fuzz_only_sip_parse_error(data: bytes) -> None:
    try:
        msg = parse_message(data)
    except SipParseError:
        return
    parsers = {"Via": parse_via, "CSeq": parse_cseq, "To": parse_name_addr}
    for name, parser in parsers.items():
        for value in msg.get_list(name):
            with contextlib.suppress(SipParseError):
                parser(value)  # type: ignore[operator]
    # a registrar fed the same message answers or ignores it, but never crashes
    reply = _registrar().handle(msg, "UDP")
    if reply is not None:
        assert parse_message(reply.encode()).status is not None


@FUZZ
@given(_mutations(), st.integers(1, 50))
def test_sip_message_fuzz_stream_framer(data: bytes, chunk: int) -> None:
    framer = StreamFramer()
    try:
        for i in range(0, len(data), chunk):
            framer.feed(data[i : i + chunk])
    except SipParseError:
        pass
