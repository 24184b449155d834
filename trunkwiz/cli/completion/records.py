"""The format of the trunk names file completion reads (:mod:`trunkwiz.cli.completion.names`
writes it): NUL-terminated UTF-8 records, the first :data:`HEADER`, then the names, the
last :data:`TRAILER`. Standard library only: ``trunkwiz completion`` puts these constants
into its scripts."""

from __future__ import annotations

NAMES_FILE = "completion-names"
HEADER = "trunkwiz-completion-names/1"
TRAILER = "trunkwiz-completion-names/end"
MAX_NAMES = 2000
MAX_NAME_CHARS = 200


def encode_names(names: list[str]) -> bytes:
    """The file's bytes for ``names``: every name as given (spaces, quotes, newlines and
    all), sorted, once; names that are empty, longer than :data:`MAX_NAME_CHARS`, hold a
    NUL (no shell word can) or cannot be written as UTF-8 are left out."""
    kept: set[str] = set()
    for name in names:
        if not name or "\x00" in name or len(name) > MAX_NAME_CHARS:
            continue
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            continue
        kept.add(name)
    records = [HEADER, *sorted(kept)[:MAX_NAMES], TRAILER]
    return b"".join(r.encode("utf-8") + b"\x00" for r in records)


def decode_names(data: bytes) -> list[str] | None:
    """The names in a file's bytes, or None when it is not of :func:`encode_names`' shape.
    The scripts check the same header, trailer and number of records (bash's ``mapfile``
    cannot tell a missing final NUL, and neither shell checks UTF-8)."""
    if not data.endswith(b"\x00"):
        return None
    records = data[:-1].split(b"\x00")
    if len(records) < 2 or len(records) > MAX_NAMES + 2:
        return None
    if records[0] != HEADER.encode() or records[-1] != TRAILER.encode():
        return None
    try:
        return [r.decode("utf-8") for r in records[1:-1]]
    except UnicodeDecodeError:
        return None
