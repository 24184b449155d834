"""What every PBX object shares: ``PbxObject`` (frozen, every unmodelled field kept), the
lenient readers of its fields, and ``parse``/``parse_items``, which turn a decoded answer
into objects or raise a ``BadAnswer`` naming the call and the field, never the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from trunkwiz.pbx.errors import BadAnswer

_M = TypeVar("_M", bound="PbxObject")


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else type(value).__name__


def _text(value: object) -> str:
    """A string field: missing or ``null`` is empty; anything but a string is refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"the PBX sent {_kind(value)} where a string belongs")
    return value


def _id_text(value: object) -> str:
    """An id: a string, or a number read as its digits; missing or ``null`` is empty."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _text(value)


def _whole_number(value: object) -> int | None:
    """A whole number as the PBX may send one (``5060``, ``5060.0``, ``"5060"``, ``" 7 "``);
    None for anything else (a boolean, a fraction, other text, an object, a list)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def _optional_text(value: object) -> str | None:
    """A string field whose absence matters: None when missing or ``null``; a number is
    read as its digits; anything else is refused."""
    return None if value is None else _id_text(value)


_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _optional_flag(value: object) -> bool | None:
    """A switch: None when missing or ``null``; ``true``/``false``, also sent as 1/0 or as
    text (``"true"``, ``"off"``, …, the words pydantic reads); anything else is refused."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(f"the PBX sent {_kind(value)} where true or false belongs")


def _optional_whole(value: object, what: str) -> int | None:
    """A whole number (``_whole_number``), None when missing, ``null`` or ``""``; anything
    else is refused, saying it is not ``what``."""
    if value is None or value == "":
        return None
    number = _whole_number(value)
    if number is None:
        raise ValueError(f"the PBX sent {_kind(value)} where {what} belongs")
    return number


class PbxObject(BaseModel):
    """An object read from the PBX: immutable, every unmodelled field kept."""

    model_config = ConfigDict(extra="allow", frozen=True)


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


def _refused(exc: ValidationError, what: str, prefix: tuple[int | str, ...]) -> BadAnswer:
    error = exc.errors(include_url=False, include_input=False)[0]
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "model_type":
        message = "the PBX sent something else where an object belongs"
    where = _where(prefix + tuple(error["loc"]))
    return BadAnswer(f"{what}: {where}: {message}" if where else f"{what}: {message}")


def parse(model: type[_M], body: object, what: str) -> _M:
    """``body`` (a decoded JSON object) as ``model``; ``BadAnswer`` naming the field if not."""
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise _refused(exc, what, ()) from None


def parse_items(model: type[_M], items: Sequence[object], what: str) -> list[_M]:
    """The objects of a paged list as ``model``; ``BadAnswer`` naming ``items[i].field``."""
    out: list[_M] = []
    for index, item in enumerate(items):
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            raise _refused(exc, what, ("items", index)) from None
    return out
