"""What every PBX object shares: ``PbxObject`` (frozen, every unmodelled field kept), the
lenient readers of its fields and the field types they make (``Text``, ``IdText``, …: a
model declares ``id: IdText = ""`` and the reader runs before pydantic's own check), and
``parse``/``parse_items``, which turn a decoded answer into objects or raise a
``BadAnswer`` naming the call and the field, never the value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from trunkwiz.pbx.errors import BadAnswer

_M = TypeVar("_M", bound="PbxObject")


def kind_of(value: object) -> str:
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
        raise ValueError(f"the PBX sent {kind_of(value)} where a string belongs")
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
    raise ValueError(f"the PBX sent {kind_of(value)} where true or false belongs")


def _flag(value: object) -> bool:
    """A boolean field that takes ``true`` or ``false`` only."""
    if not isinstance(value, bool):
        raise ValueError(f"the PBX sent {kind_of(value)} where true or false belongs")
    return value


def _json_object(value: object) -> dict[str, object]:
    """A JSON object kept as it came (its items are not read)."""
    if not isinstance(value, dict):
        raise ValueError(f"the PBX sent {kind_of(value)} where an object belongs")
    return value


def _optional_whole(value: object, what: str) -> int | None:
    """A whole number (``_whole_number``), None when missing, ``null`` or ``""``; anything
    else is refused, saying it is not ``what``."""
    if value is None or value == "":
        return None
    number = _whole_number(value)
    if number is None:
        raise ValueError(f"the PBX sent {kind_of(value)} where {what} belongs")
    return number


def _whole_of(what: str) -> Callable[[object], int | None]:
    """``_optional_whole`` for the numbers that are ``what`` (``"a port number"``)."""

    def read(value: object) -> int | None:
        return _optional_whole(value, what)

    return read


def _digit_count(value: object) -> int:
    return _optional_whole(value, "a number of digits") or 0


# The field types: each names one lenient reading of a field, run before pydantic checks
# the type (a reader's ValueError is the BadAnswer's message). ``Flag | None`` and
# ``ObjectField | None`` let ``null`` through as None and read anything else.
Text = Annotated[str, BeforeValidator(_text)]
"""``_text``: a string; missing or ``null`` is empty."""
IdText = Annotated[str, BeforeValidator(_id_text)]
"""``_id_text``: a string, a number read as its digits; missing or ``null`` is empty."""
OptionalText = Annotated[str | None, BeforeValidator(_optional_text)]
"""``_optional_text``: ``IdText``, but None when missing or ``null``."""
Flag = Annotated[bool, BeforeValidator(_flag)]
"""``_flag``: ``true`` or ``false``, nothing else."""
OptionalFlag = Annotated[bool | None, BeforeValidator(_optional_flag)]
"""``_optional_flag``: a switch, also sent as 1/0 or text; None when missing or ``null``."""
ObjectField = Annotated[dict[str, object], BeforeValidator(_json_object)]
"""``_json_object``: an object, kept as it came."""
PortNumber = Annotated[int | None, BeforeValidator(_whole_of("a port number"))]
"""A port (``"5060"`` is 5060); None when missing, ``null`` or ``""``."""
WholeNumber = Annotated[int | None, BeforeValidator(_whole_of("a whole number"))]
"""A count or a number of seconds (``"30"`` is 30); None when missing, ``null`` or ``""``."""
CallCount = Annotated[int | None, BeforeValidator(_whole_of("a number of calls"))]
"""A cap of concurrent calls (``"20"`` is 20); None when missing, ``null`` or ``""``."""
Priority = Annotated[int | None, BeforeValidator(_whole_of("a priority"))]
"""A rule's priority (``"2"`` is 2); None when missing, ``null`` or ``""``."""
DigitCount = Annotated[int, BeforeValidator(_digit_count)]
"""A number of digits (``"2"`` is 2); 0 when ``""``."""


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
