"""The words people see for trunk fields: the PBX web portal's, one place for all.

Screens label their fields with these, the Review step names changes with them and error
messages start with them; the API name stays a secondary detail (shown in hints). A field
not listed is shown by its API name.
"""

from __future__ import annotations

import re

from trunkwiz.domain.fields import TRUNK_FIELDS

#: Every step in procedure order, with its title (one name per step everywhere).
STEP_TITLES: dict[str, str] = {
    "connect": "Connect",
    "kind": "Kind",
    "basic": "Basic info",
    "credentials": "Credentials",
    "options": "Options",
    "tenants": "Tenants",
    "routes": "Routes",
    "review": "Review",
}

#: Labels of the option flags (the ``[trunk.options]`` table, the Options step).
OPTION_LABELS: dict[str, str] = {
    "enabled": "Enable trunk",
    "inlan": "Trunk in LAN",
    "single_via_header": "Single Via header",
    "rewrite_via_ip": "Rewrite Via IP",
    "verify_port": "Verify port",
    "keep_alive": "Keep alive (OPTIONS)",
    "keep_alive_interval": "Keep-alive interval (s)",
    "adjust_sdp_direction": "Adjust SDP direction",
    "remove_srtp_info": "Remove SRTP info",
    "stir_shaken_signature_required": "Require STIR/SHAKEN signature",
}

#: Every field's label: the trunk's fields (from ``trunkwiz.domain.fields``), the API's
#: ``auth_mode`` (the kind) and the option flags.
FIELD_LABELS: dict[str, str] = {
    **{f.name: f.label for f in TRUNK_FIELDS},
    "auth_mode": "Kind",
    **OPTION_LABELS,
}

#: Labels of the rule forms' fields (the Routes step), by API name.
ROUTE_LABELS: dict[str, str] = {
    "name": "Rule name",
    "number_prefix": "Number prefix",
    "number_length": "Number length",
    "strip_digits": "Strip digits",
    "prepend": "Prepend",
    "caller_id": "Caller ID",
    "enabled": "Route on",
    "office_hours": "Office hours",
    "did_numbers": "DID or range",
    "forward_to": "Office hours to",
    "after_hours": "After hours to",
    "holidays": "Holidays to",
}

#: ``auth_mode`` values as the portal names the trunk kinds.
AUTH_MODE_LABELS: dict[str, str] = {
    "REGISTER_AUTH": "Register Based Trunk",
    "IP_AUTH": "IP Based Trunk",
    "ACCEPT_REGISTER": "Accept Register Trunk",
}

#: Inclusive ranges of the number fields, for messages.
NUMBER_RANGES: dict[str, tuple[int, int]] = {
    "port": (0, 65535),
    "outbound_server_port": (0, 65535),
}


def label_of(path: str) -> str:
    """The label of a field given by its API name or dotted path (``tenants.0.did_numbers``,
    ``options.inlan``); the last name that has a label wins, else the path itself."""
    for part in reversed(path.split(".")):
        if part in FIELD_LABELS:
            return FIELD_LABELS[part]
    return path


_API_NAME = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def plain_words(text: str) -> str:
    """``text`` with every API field name that has a label (``additional_ips``,
    ``auth_id``) written as its label; other words as they are."""

    def label(found: re.Match[str]) -> str:
        return FIELD_LABELS.get(found.group(0), found.group(0))

    return _API_NAME.sub(label, text)


def value_text(field: str, value: str) -> str:
    """A value as the portal shows it (``REGISTER_AUTH`` -> ``Register Based Trunk``)."""
    if field == "auth_mode":
        return AUTH_MODE_LABELS.get(value, value)
    return value


def user_message(path: str, error_type: str, message: str, ctx: dict[str, object]) -> str:
    """A model error in the user's words, naming the field by its label.

    Cross-field rules already speak plainly and are kept; pydantic's own wording
    ("Input should be less than or equal to 65535") is replaced."""
    label = label_of(path)
    field = path.rsplit(".", 1)[-1]
    if error_type in {"less_than_equal", "greater_than_equal", "less_than", "greater_than"}:
        if field in NUMBER_RANGES:
            low, high = NUMBER_RANGES[field]
            return f"{label} must be {low}–{high}"
        if error_type.startswith("greater"):
            return f"{label} must be at least {ctx.get('ge', ctx.get('gt', 0))}"
        return f"{label} must be at most {ctx.get('le', ctx.get('lt', ''))}"
    if error_type in {"int_parsing", "int_type", "int_from_float"}:
        return f"{label} must be a whole number"
    if error_type == "missing":
        return f"{label} is required"
    if error_type == "string_too_short":
        return f"{label} is required"
    if error_type == "string_too_long":
        return f"{label} must be at most {ctx.get('max_length')} characters"
    if error_type == "extra_forbidden":
        return f"{label} does not apply to this kind of trunk"
    if error_type in {"bool_parsing", "bool_type"}:
        return f"{label} must be on or off"
    return message
