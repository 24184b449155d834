"""Call routes of a trunk: outbound rules (calls out through it) and inbound rules (its DIDs in).

Rules are tenant objects on the PBX. trunkwiz manages, per tenant, the rules that use one
trunk: an outbound rule with one route through the trunk, an inbound rule for one DID or
one DID range of the trunk. Field names follow the trunk file; :mod:`trunkwiz.pbx.rules`
maps them to the API (``routes[].prepend``, ``office_hours_forward_rule`` …).

A destination (where inbound calls go) is written in one text, in the trunk file too:

- ``"1001"`` — forward to a number: an extension, ring group, queue or external number;
- ``"1100-1200"`` — an extension range of the same size as the rule's DID range (1:1);
- ``"voicemail:1001"`` — the voicemail of extension 1001;
- ``"hangup"`` — hang up.

Checks against the tenant's DID pool for the trunk (:func:`caller_id_problem`,
:func:`did_problem`) are separate pure functions so a screen can run them per keystroke.

Parts (private modules): ``_model`` (the rules and destinations), ``_checks`` (against the
pool, between rules) and ``_prefill`` (brand pre-fills). Import the names below from here.
"""

from trunkwiz.domain.routes._checks import (
    RouteIssue,
    caller_id_problem,
    did_problem,
    duplicate_issues,
    route_issues,
)
from trunkwiz.domain.routes._model import (
    Action,
    Destination,
    InboundRoute,
    OutboundRoute,
    TenantRoutes,
    default_inbound_hours,
    parse_did_range,
)
from trunkwiz.domain.routes._prefill import OutboundPrefill, flowroute_prepend, outbound_prefill

__all__ = [
    "Action",
    "Destination",
    "InboundRoute",
    "OutboundPrefill",
    "OutboundRoute",
    "RouteIssue",
    "TenantRoutes",
    "caller_id_problem",
    "default_inbound_hours",
    "did_problem",
    "duplicate_issues",
    "flowroute_prepend",
    "outbound_prefill",
    "parse_did_range",
    "route_issues",
]
