"""The rules as the PBX returns them: :class:`InboundRule` (an item of
``GET /inbound_rules``, or ``GET /inbound_rules/{id}``), :class:`OutboundRule` (an item of
``GET /outbound_rules``, or ``GET /outbound_rules/{id}``, which carries ``routes``), its
:class:`OutboundRoute` items, the inbound rule's :class:`ForwardRule` and the
:class:`Holiday` objects both kinds name. Frozen pydantic models in the manner of
:mod:`trunkwiz.pbx.objects`: a wrong shape is a ``BadAnswer`` naming the call and the field
(``GET /outbound_rules/7: routes[1].provider_id: the PBX sent an object where a string
belongs``), never the value.

Lenient where the PBX may be: a missing or ``null`` field reads as absent (an empty string,
no forward rule, no office hours, no routes; a rule or route enabled), an id, a DID, a
prefix or a number to forward to sent as a number is its digits, ``strip_digits`` or
``priority`` sent as ``"2"`` is 2, a ``null`` in a list of routes or holidays is left out.
A holiday may be an object or a bare id.

Every field a model does not name is kept (``extra="allow"``), and :meth:`RuleObject.body`
gives back exactly the fields the PBX sent (``null`` ones left out, as absent), so a rule
written back keeps another trunk's route with all its fields and the fields of a newer PBX.
"""

from __future__ import annotations

from pydantic import field_validator, model_validator

from trunkwiz.pbx.objects import PbxObject, _id_text, _kind, _optional_whole, _text

JsonBody = dict[str, object]
"""A rule's JSON body as sent to the PBX (values of any JSON type)."""


def _flag(value: object) -> bool:
    """A boolean field (``null`` or missing was already taken as absent)."""
    if not isinstance(value, bool):
        raise ValueError(f"the PBX sent {_kind(value)} where true or false belongs")
    return value


class RuleObject(PbxObject):
    """A rule, or a part of one, read from the PBX: a ``null`` field is a missing one."""

    @model_validator(mode="before")
    @classmethod
    def _nulls_absent(cls, data: object) -> object:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data

    def body(self) -> JsonBody:
        """The fields the PBX sent (unmodelled ones as they came), as JSON values."""
        return self.model_dump(mode="json", exclude_unset=True)


class Holiday(RuleObject):
    """A tenant holiday a rule names: an object in an answer (the spec), or a bare id."""

    id: str = ""
    name: str = ""

    @model_validator(mode="before")
    @classmethod
    def _bare_id(cls, data: object) -> object:
        if isinstance(data, str) or (isinstance(data, int) and not isinstance(data, bool)):
            return {"id": data}
        return data

    @field_validator("id", "name", mode="before")
    @classmethod
    def _texts(cls, value: object) -> str:
        return _id_text(value)


class ForwardRule(RuleObject):
    """Where an inbound rule sends a call (``office_hours_forward_rule`` and its two
    siblings): ``action`` is ``FORWARD_TO_NUMBER``, ``FORWARD_TO_VOICEMAIL`` or ``HANGUP``."""

    action: str = ""
    number: str = ""
    """An extension, a range, an outside number; empty for ``HANGUP``."""

    @field_validator("action", mode="before")
    @classmethod
    def _action(cls, value: object) -> str:
        return _text(value)

    @field_validator("number", mode="before")
    @classmethod
    def _number(cls, value: object) -> str:
        return _id_text(value)

    def as_api(self) -> JsonBody:
        """``{action, number}`` as the domain's ``Destination.from_api`` reads it."""
        return {"action": self.action, "number": self.number}


def _items(value: object) -> list[object]:
    """A list field: its items, a ``null`` item left out (as one never sent)."""
    if not isinstance(value, list | tuple):
        raise ValueError(f"the PBX sent {_kind(value)} where a list belongs")
    return [item for item in value if item is not None]


def _hours(value: object) -> JsonBody:
    """``office_hours``: an object (read by the domain's ``OfficeHours.from_api``)."""
    if not isinstance(value, dict):
        raise ValueError(f"the PBX sent {_kind(value)} where an object belongs")
    return value


class Rule(RuleObject):
    """What both kinds of rule have."""

    id: str = ""
    name: str = ""
    enabled: bool = True
    office_hours: JsonBody | None = None
    """None when the rule has none (the PBX's default applies)."""
    holidays: tuple[Holiday, ...] = ()

    @field_validator("id", "name", mode="before")
    @classmethod
    def _ids(cls, value: object) -> str:
        return _id_text(value)

    @field_validator("enabled", mode="before")
    @classmethod
    def _enabled(cls, value: object) -> bool:
        return _flag(value)

    @field_validator("office_hours", mode="before")
    @classmethod
    def _office_hours(cls, value: object) -> JsonBody:
        return _hours(value)

    @field_validator("holidays", mode="before")
    @classmethod
    def _holidays(cls, value: object) -> list[object]:
        return _items(value)


class InboundRule(Rule):
    """An inbound rule: calls from one trunk (``provider_id``) to ``did_numbers``."""

    cid_number_mask: str = ""
    did_numbers: str = ""
    provider_id: str = ""
    """The one trunk the rule is for; empty when the PBX gives none."""
    office_hours_forward_rule: ForwardRule | None = None
    non_office_hours_forward_rule: ForwardRule | None = None
    holiday_forward_rule: ForwardRule | None = None
    enable_advanced_routing: bool = False
    advanced_routing: str = ""
    play_recording_disclaimer: bool = False

    @field_validator("cid_number_mask", "did_numbers", "provider_id", mode="before")
    @classmethod
    def _numbers(cls, value: object) -> str:
        return _id_text(value)

    @field_validator("advanced_routing", mode="before")
    @classmethod
    def _advanced(cls, value: object) -> str:
        return _text(value)

    @field_validator("enable_advanced_routing", "play_recording_disclaimer", mode="before")
    @classmethod
    def _flags(cls, value: object) -> bool:
        return _flag(value)


class OutboundRoute(RuleObject):
    """One route of an outbound rule: the trunk (``provider_id``) a call may take, and
    what is done to the dialled number on it."""

    provider_id: str = ""
    """Empty when the PBX gives none (such a route is no trunk's)."""
    enabled: bool = True
    strip_digits: int = 0
    """Digits taken from the start of the dialled number."""
    prepend: str = ""
    """Put in front after stripping (Flowroute's tech prefix ``52709417*``)."""
    outbound_caller_id: str = ""
    """Empty when the route sets none."""

    @field_validator("provider_id", "prepend", "outbound_caller_id", mode="before")
    @classmethod
    def _texts(cls, value: object) -> str:
        return _id_text(value)

    @field_validator("enabled", mode="before")
    @classmethod
    def _enabled(cls, value: object) -> bool:
        return _flag(value)

    @field_validator("strip_digits", mode="before")
    @classmethod
    def _strip(cls, value: object) -> int:
        return _optional_whole(value, "a number of digits") or 0


class OutboundRule(Rule):
    """An outbound rule: which calls (``number_prefix``, ``number_length``,
    ``number_mask``) go out through which trunks (``routes``, in their order). A summary
    of ``GET /outbound_rules`` has no ``routes``; the detail has them."""

    number_prefix: str = ""
    number_length: str = ""
    number_mask: str = ""
    priority: int | None = None
    """Lower wins; None when the PBX gives none (its default is 1000)."""
    routing_strategy: str = ""
    """``PRIORITIZED`` or ``RANDOMLY``; empty when the PBX gives none."""
    routes: tuple[OutboundRoute, ...] = ()

    @field_validator("number_prefix", "number_length", "number_mask", mode="before")
    @classmethod
    def _numbers(cls, value: object) -> str:
        return _id_text(value)

    @field_validator("routing_strategy", mode="before")
    @classmethod
    def _strategy(cls, value: object) -> str:
        return _text(value)

    @field_validator("priority", mode="before")
    @classmethod
    def _priority(cls, value: object) -> int | None:
        return _optional_whole(value, "a priority")

    @field_validator("routes", mode="before")
    @classmethod
    def _routes(cls, value: object) -> list[object]:
        return _items(value)

    def route_of(self, provider_id: str) -> OutboundRoute | None:
        """The route through the trunk (None: the rule does not use it)."""
        return next((r for r in self.routes if r.provider_id == provider_id), None)

    def other_routes(self, provider_id: str) -> tuple[OutboundRoute, ...]:
        """The routes through trunks other than ``provider_id``, in their order."""
        return tuple(r for r in self.routes if r.provider_id != provider_id)
