"""SIP messages: parse bytes into a `SipMessage` and encode one back (RFC 3261 section 7).

`parse_message` raises only `SipParseError` (a `ValueError`) for input that is not a
well-formed SIP message, whatever the bytes. Header names are case-insensitive and the
compact forms (``v``, ``f``, ``t``, ``i``, ``m``, ``l``, ...) are expanded to their full names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SIP_VERSION = "SIP/2.0"
MAX_MESSAGE = 65535

COMPACT = {
    "v": "Via",
    "f": "From",
    "t": "To",
    "i": "Call-ID",
    "m": "Contact",
    "l": "Content-Length",
    "c": "Content-Type",
    "k": "Supported",
    "s": "Subject",
    "e": "Content-Encoding",
    "o": "Event",
    "u": "Allow-Events",
}
_CANONICAL = {
    "call-id": "Call-ID",
    "cseq": "CSeq",
    "www-authenticate": "WWW-Authenticate",
    "mime-version": "MIME-Version",
}
_TOKEN = re.compile(r"^[A-Za-z0-9.!%*_+`'~-]+$")
_LINE_END = re.compile(r"\r?\n")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class SipParseError(ValueError):
    """The bytes are not a well-formed SIP message; the message says what is wrong."""


def canonical_name(name: str) -> str:
    """The full, conventionally capitalised form of a header name (compact forms expanded)."""
    low = name.strip().lower()
    if low in COMPACT:
        return COMPACT[low]
    if low in _CANONICAL:
        return _CANONICAL[low]
    return "-".join(part.capitalize() for part in low.split("-"))


@dataclass
class SipMessage:
    """One SIP request (``method`` and ``uri`` set) or response (``status`` set)."""

    method: str | None = None
    """Request method, e.g. ``REGISTER``; None for a response."""
    uri: str | None = None
    """Request-URI; None for a response."""
    status: int | None = None
    """Response status code (100-699); None for a request."""
    reason: str = ""
    """Response reason phrase."""
    headers: list[tuple[str, str]] = field(default_factory=list)
    """Headers in order as (canonical name, value); repeated headers stay separate."""
    body: bytes = b""
    """Message body (exactly Content-Length bytes when that header is present)."""

    @property
    def is_request(self) -> bool:
        """True for a request, False for a response."""
        return self.method is not None

    def get(self, name: str) -> str | None:
        """The first value of a header (case-insensitive, compact forms accepted), or None."""
        wanted = canonical_name(name)
        for key, value in self.headers:
            if key == wanted:
                return value
        return None

    def get_all(self, name: str) -> list[str]:
        """Every header line of that name, in order (comma-joined values are not split)."""
        wanted = canonical_name(name)
        return [value for key, value in self.headers if key == wanted]

    def get_list(self, name: str) -> list[str]:
        """Every element of a list header (Via, Contact, ...), split on top-level commas."""
        out: list[str] = []
        for value in self.get_all(name):
            out.extend(part for part in split_commas(value) if part)
        return out

    def encode(self) -> bytes:
        """Serialise with CRLF line ends and a correct Content-Length."""
        if self.method is not None:
            start = f"{self.method} {self.uri} {SIP_VERSION}"
        else:
            start = f"{SIP_VERSION} {self.status} {self.reason}"
        lines = [start]
        lines += [f"{k}: {v}" for k, v in self.headers if k != "Content-Length"]
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


def split_commas(value: str) -> list[str]:
    """Split a header value on commas outside quotes and angle brackets, stripping parts."""
    parts: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    current: list[str] = []
    for ch in value:
        if quoted:
            current.append(ch)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                quoted = False
            continue
        if ch == '"':
            quoted = True
        elif ch == "<":
            depth += 1
        elif ch == ">" and depth:
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    parts.append("".join(current).strip())
    return parts


def _parse_start(line: str) -> SipMessage:
    if line.startswith(SIP_VERSION + " "):
        parts = line.split(" ", 2)
        code = parts[1]
        if not (len(code) == 3 and code.isascii() and code.isdigit()):
            raise SipParseError(f"bad status code {code!r}")
        status = int(code)
        if not 100 <= status <= 699:
            raise SipParseError(f"status code {status} out of range")
        return SipMessage(status=status, reason=parts[2] if len(parts) > 2 else "")
    parts = line.split(" ")
    if len(parts) != 3:
        raise SipParseError("the start line is neither a request nor a response line")
    method, uri, version = parts
    if version != SIP_VERSION:
        raise SipParseError(f"unsupported version {version!r}")
    if not _TOKEN.match(method):
        raise SipParseError("bad request method")
    if ":" not in uri or _CONTROL.search(uri):
        raise SipParseError("bad Request-URI")
    return SipMessage(method=method, uri=uri)


def split_head(data: bytes) -> tuple[bytes, bytes]:
    """Split raw bytes at the blank line into (header section, rest)."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        idx = data.find(sep)
        if idx >= 0:
            return data[:idx], data[idx + len(sep) :]
    raise SipParseError("no blank line after the headers")


def parse_headers(head: bytes) -> SipMessage:
    """Parse a start line and headers (no blank line, no body) into a bodiless message."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SipParseError("headers are not valid UTF-8") from exc
    lines = _LINE_END.split(text)
    if not lines or not lines[0]:
        raise SipParseError("empty start line")
    msg = _parse_start(lines[0])
    for line in lines[1:]:
        if line[:1] in (" ", "\t"):
            if not msg.headers:
                raise SipParseError("continuation line before any header")
            key, value = msg.headers[-1]
            msg.headers[-1] = (key, f"{value} {line.strip()}".strip())
            continue
        name, sep, value = line.partition(":")
        name = name.rstrip(" \t")
        if not sep or not _TOKEN.match(name):
            raise SipParseError(f"malformed header line {line[:40]!r}")
        if _CONTROL.search(value):
            raise SipParseError(f"control character in header {name}")
        msg.headers.append((canonical_name(name), value.strip()))
    return msg


def content_length(msg: SipMessage) -> int | None:
    """The Content-Length header as an int, None when absent; SipParseError when invalid."""
    raw = msg.get("Content-Length")
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        raise SipParseError("bad Content-Length")
    return int(raw)


def parse_message(data: bytes) -> SipMessage:
    """Parse one complete message (e.g. a UDP datagram); raises only SipParseError."""
    if not isinstance(data, bytes | bytearray):
        raise SipParseError("expected bytes")
    if len(data) > MAX_MESSAGE:
        raise SipParseError("message too large")
    head, rest = split_head(bytes(data))
    msg = parse_headers(head)
    length = content_length(msg)
    if length is None:
        msg.body = rest
    elif len(rest) < length:
        raise SipParseError("body shorter than Content-Length")
    else:
        msg.body = rest[:length]
    return msg


class StreamFramer:
    """Cut a TCP/TLS byte stream into messages using Content-Length (RFC 3261 18.3)."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[SipMessage]:
        """Add received bytes; return the messages completed so far (SipParseError if bad)."""
        self._buf += data
        out: list[SipMessage] = []
        while True:
            while self._buf[:2] == b"\r\n":  # keep-alive CRLFs between messages
                del self._buf[:2]
            idx = self._buf.find(b"\r\n\r\n")
            if idx < 0:
                if len(self._buf) > MAX_MESSAGE:
                    raise SipParseError("header section too large")
                return out
            msg = parse_headers(bytes(self._buf[:idx]))
            length = content_length(msg) or 0
            end = idx + 4 + length
            if len(self._buf) < end:
                if end > MAX_MESSAGE:
                    raise SipParseError("message too large")
                return out
            msg.body = bytes(self._buf[idx + 4 : end])
            del self._buf[:end]
            out.append(msg)
