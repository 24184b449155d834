"""Structured header values: Via, CSeq, name-addr (From/To/Contact) and their parameters."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from trunkwiz.sip.message import SipMessage, SipParseError

BRANCH_MAGIC = "z9hG4bK"


def new_branch() -> str:
    """A fresh RFC 3261 branch (magic cookie plus randomness)."""
    return BRANCH_MAGIC + secrets.token_hex(8)


def new_tag() -> str:
    """A fresh From/To tag."""
    return secrets.token_hex(6)


def parse_params(text: str) -> dict[str, str]:
    """Parse ``;a=b;c`` into ``{"a": "b", "c": ""}`` (names lower-cased, quotes removed)."""
    params: dict[str, str] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        name, _, value = part.partition("=")
        params[name.strip().lower()] = value.strip().strip('"')
    return params


@dataclass(frozen=True)
class Via:
    """One Via element: ``SIP/2.0/UDP host:port;branch=...``."""

    transport: str
    """Transport token, upper-case (UDP, TCP, TLS)."""
    host: str
    """sent-by host."""
    port: int | None
    """sent-by port, None when absent."""
    params: dict[str, str] = field(default_factory=dict)
    """Via parameters (branch, received, rport, ...)."""

    @property
    def branch(self) -> str:
        """The branch parameter ('' when absent)."""
        return self.params.get("branch", "")


def parse_via(value: str) -> Via:
    """Parse one Via element; SipParseError when malformed."""
    proto, _, rest = value.strip().partition(" ")
    pieces = [p.strip() for p in proto.split("/")]
    if len(pieces) != 3 or pieces[0].upper() != "SIP" or not rest.strip():
        raise SipParseError("malformed Via")
    sent_by, _, params = rest.strip().partition(";")
    sent_by = sent_by.strip()
    host, port = _split_host_port(sent_by)
    return Via(pieces[2].upper(), host, port, parse_params(params))


def _split_host_port(text: str) -> tuple[str, int | None]:
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise SipParseError("malformed IPv6 reference")
        host, rest = text[: end + 1], text[end + 1 :]
        port_text = rest[1:] if rest.startswith(":") else ""
    else:
        host, _, port_text = text.partition(":")
    if not host:
        raise SipParseError("empty host")
    if not port_text:
        return host, None
    if not (port_text.isascii() and port_text.isdigit()) or not 0 < int(port_text) < 65536:
        raise SipParseError("bad port")
    return host, int(port_text)


def top_via(msg: SipMessage) -> Via:
    """The first Via of a message; SipParseError when there is none."""
    vias = msg.get_list("Via")
    if not vias:
        raise SipParseError("no Via header")
    return parse_via(vias[0])


def parse_cseq(value: str | None) -> tuple[int, str]:
    """Parse ``CSeq: 2 REGISTER`` into ``(2, "REGISTER")``; SipParseError when malformed."""
    parts = (value or "").split()
    if len(parts) != 2 or not (parts[0].isascii() and parts[0].isdigit()) or len(parts[0]) > 10:
        raise SipParseError("malformed CSeq")
    return int(parts[0]), parts[1].upper()


@dataclass(frozen=True)
class NameAddr:
    """``"Display" <uri>;params`` as found in From, To and Contact."""

    uri: str
    """The URI without angle brackets."""
    params: dict[str, str] = field(default_factory=dict)
    """Header parameters after the URI (tag, expires, ...)."""
    display: str = ""
    """Display name, possibly empty."""


def parse_name_addr(value: str) -> NameAddr:
    """Parse a From/To/Contact element; SipParseError when malformed."""
    value = value.strip()
    if "<" in value:
        display, _, rest = value.partition("<")
        uri, sep, params = rest.partition(">")
        if not sep:
            raise SipParseError("unterminated <uri>")
        return NameAddr(uri.strip(), parse_params(params), display.strip().strip('"'))
    uri, _, params = value.partition(";")
    if not uri:
        raise SipParseError("empty URI")
    return NameAddr(uri.strip(), parse_params(params))


def uri_user(uri: str) -> str:
    """The user part of ``sip:user@host`` ('' when there is none)."""
    _, _, rest = uri.partition(":")
    user, at, _ = rest.partition("@")
    return user.split(";")[0] if at else ""
