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

from trunkwiz.pbx.objects import (
    DigitCount,
    Flag,
    IdText,
    ObjectField,
    PbxObject,
    Priority,
    Text,
    kind_of,
)

JsonBody = dict[str, object]
"""A rule's JSON body as sent to the PBX (values of any JSON type)."""


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

    id: IdText = ""
    name: IdText = ""

    @model_validator(mode="before")
    @classmethod
    def _bare_id(cls, data: object) -> object:
        if isinstance(data, str) or (isinstance(data, int) and not isinstance(data, bool)):
            return {"id": data}
        return data


class ForwardRule(RuleObject):
    """Where an inbound rule sends a call (``office_hours_forward_rule`` and its two
    siblings): ``action`` is ``FORWARD_TO_NUMBER``, ``FORWARD_TO_VOICEMAIL`` or ``HANGUP``."""

    action: Text = ""
    number: IdText = ""
    """An extension, a range, an outside number; empty for ``HANGUP``."""

    def as_api(self) -> JsonBody:
        """``{action, number}`` as the domain's ``Destination.from_api`` reads it."""
        return {"action": self.action, "number": self.number}


def _items(value: object) -> list[object]:
    """A list field: its items, a ``null`` item left out (as one never sent)."""
    if not isinstance(value, list | tuple):
        raise ValueError(f"the PBX sent {kind_of(value)} where a list belongs")
    return [item for item in value if item is not None]


class Rule(RuleObject):
    """What both kinds of rule have."""

    id: IdText = ""
    name: IdText = ""
    enabled: Flag = True
    office_hours: ObjectField | None = None
    """An object (read by the domain's ``OfficeHours.from_api``); None when the rule has
    none (the PBX's default applies)."""
    holidays: tuple[Holiday, ...] = ()

    @field_validator("holidays", mode="before")
    @classmethod
    def _holidays(cls, value: object) -> list[object]:
        return _items(value)


class InboundRule(Rule):
    """An inbound rule: calls from one trunk (``provider_id``) to ``did_numbers``."""

    cid_number_mask: IdText = ""
    did_numbers: IdText = ""
    provider_id: IdText = ""
    """The one trunk the rule is for; empty when the PBX gives none."""
    office_hours_forward_rule: ForwardRule | None = None
    non_office_hours_forward_rule: ForwardRule | None = None
    holiday_forward_rule: ForwardRule | None = None
    enable_advanced_routing: Flag = False
    advanced_routing: Text = ""
    play_recording_disclaimer: Flag = False


class OutboundRoute(RuleObject):
    """One route of an outbound rule: the trunk (``provider_id``) a call may take, and
    what is done to the dialled number on it."""

    provider_id: IdText = ""
    """Empty when the PBX gives none (such a route is no trunk's)."""
    enabled: Flag = True
    strip_digits: DigitCount = 0
    """Digits taken from the start of the dialled number."""
    prepend: IdText = ""
    """Put in front after stripping (Flowroute's tech prefix ``52709417*``)."""
    outbound_caller_id: IdText = ""
    """Empty when the route sets none."""


class OutboundRule(Rule):
    """An outbound rule: which calls (``number_prefix``, ``number_length``,
    ``number_mask``) go out through which trunks (``routes``, in their order). A summary
    of ``GET /outbound_rules`` has no ``routes``; the detail has them."""

    number_prefix: IdText = ""
    number_length: IdText = ""
    number_mask: IdText = ""
    priority: Priority = None
    """Lower wins; None when the PBX gives none (its default is 1000)."""
    routing_strategy: Text = ""
    """``PRIORITIZED`` or ``RANDOMLY``; empty when the PBX gives none."""
    routes: tuple[OutboundRoute, ...] = ()

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
