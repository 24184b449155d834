"""Inbound and outbound rules on the PBX: the calls, and the mapping to the route models.

Rules are tenant objects. A Tenant Admin works in its own tenant; the System Admin first
selects the tenant with ``POST /tenants/switch?id=`` (:meth:`RuleApi.enter`). The spec
says only "Switch between tenants" and offers no way back, so the switch is made in a
session of its own (:class:`TenantSession`: the same account signed in a second time,
on the same connections): the caller's own session, which creates, shares and deletes
trunks, is never switched. The switch is a property of that session, so rule calls of
different tenants must not run at the same time: :class:`RuleApi` serialises them.

trunkwiz manages, per tenant, the rules that *use one trunk*: inbound rules whose
``provider_id`` is the trunk, and the route through the trunk of outbound rules. An
outbound rule may route through other trunks too: an update changes only this trunk's
route, and removing the trunk's use of the rule removes only its route
(:func:`without_route`); the rule itself goes only when no other route is left.

Parts (private modules): ``_objects`` (the rules as the PBX returns them: typed, frozen,
every unknown field kept), ``_api`` (the calls: :class:`RuleApi`, :class:`TenantSession`)
and ``_mapping`` (the rules per tenant, and their bodies and models). Import the names
below from here. A rule's ``OutboundRoute`` here is the PBX's route object; the wizard's
route model is :class:`trunkwiz.domain.routes.OutboundRoute`.
"""

from trunkwiz.pbx.rules._api import RuleApi, TenantSession
from trunkwiz.pbx.rules._mapping import (
    RULE_KINDS,
    RuleKind,
    RulesInUse,
    TenantRules,
    inbound_body,
    inbound_from_api,
    other_routes,
    outbound_body,
    outbound_from_api,
    restore_body,
    route_of,
    routes_from_api,
    same_names,
    without_route,
)
from trunkwiz.pbx.rules._objects import (
    ForwardRule,
    Holiday,
    InboundRule,
    JsonBody,
    OutboundRoute,
    OutboundRule,
    Rule,
    RuleObject,
)

__all__ = [
    "RULE_KINDS",
    "ForwardRule",
    "Holiday",
    "InboundRule",
    "JsonBody",
    "OutboundRoute",
    "OutboundRule",
    "Rule",
    "RuleApi",
    "RuleKind",
    "RuleObject",
    "RulesInUse",
    "TenantRules",
    "TenantSession",
    "inbound_body",
    "inbound_from_api",
    "other_routes",
    "outbound_body",
    "outbound_from_api",
    "restore_body",
    "route_of",
    "routes_from_api",
    "same_names",
    "without_route",
]
