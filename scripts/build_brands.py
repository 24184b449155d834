#!/usr/bin/env python3
"""Regenerate the brand catalogue shipped in the package from the research notes.

Reads ``../shared/portsip/brands.json`` (knowledge-base facts per carrier) and writes
``trunkwiz/domain/data/brands.json``: per brand, the API value, the kinds it documents,
per-kind prefill values (``value``/``uncertain``/``note``/``choices``, keyed by API field
name) and the facts shown beside the form (credential hints, call prefix, DID format...).
Adds ``Generic`` and the brands the notes mention without a guide. The package reads only
its own copy at run time.

Usage: python scripts/build_brands.py [SOURCE] [DEST]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

Json = dict[str, Any]
"""A JSON object."""

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "portsip" / "brands.json"
DEST = ROOT / "trunkwiz" / "domain" / "data" / "brands.json"

KINDS = {"IP_AUTH": "ip", "REGISTER_AUTH": "register", "ACCEPT_REGISTER": "accept_register"}
PLAIN_FIELDS = ("port", "transport", "outbound_server", "outbound_server_port")
CREDENTIAL_KEYS = (
    ("auth_id", "auth_id_semantics"),
    ("username", "username_semantics"),
    ("password", "password_semantics"),
)
GENERIC_NOTE = "SIP default; change it if the carrier documents another value."
CONFIRM = "Region or account specific: confirm with the provider."
_SPECIFIC_WORDS = ("region", "account", "your trunk", "is the kb example")

# Evidence the seed records a value without naming, read in the KB mirror at the seed's
# commit: the screenshot of the PBX form that shows it.
KB_EVIDENCE: dict[tuple[str, str], dict[str, str]] = {
    ("SIPTRUNK", "IP_AUTH"): {"additional_ips": "KB screenshot SIPTRUNK.com_1.png"},
    ("SIPTRUNK", "REGISTER_AUTH"): {"additional_ips": "KB screenshot SIPTRUNK.com_3.png"},
}


def unwrap(raw: Any) -> tuple[Any, bool, str]:
    """``(value, uncertain, note)`` of a plain or ``{value, uncertain, note|source}`` fact."""
    if isinstance(raw, dict) and "value" in raw:
        note = raw.get("note") or raw.get("source") or ""
        return raw["value"], bool(raw.get("uncertain")), note
    return raw, False, ""


def entry(
    value: Any,
    uncertain: bool,
    note: str,
    choices: list[str] | None = None,
    *,
    confirm: bool = False,
) -> Json:
    out: dict[str, Any] = {"value": value, "uncertain": uncertain or confirm, "note": note}
    if choices:
        out["choices"] = choices
    if confirm:
        out["confirm"] = True
    return out


def specific(text: str) -> bool:
    """Whether a note says the value depends on the region or the account."""
    return any(word in text.casefold() for word in _SPECIFIC_WORDS)


def evidence_note(facts: Json, key: str) -> str:
    source = (facts.get("evidence") or {}).get(key)
    return f"From the vendor's guide ({source})." if source else ""


def hostname_prefill(facts: Json) -> Json | None:
    value, uncertain, note = unwrap(facts.get("hostname"))
    hints = [facts.get("hostname_note") or "", note]
    example = facts.get("hostname_example")
    if isinstance(example, list):
        example = ", ".join(example)
    if value is None:
        return entry(None, uncertain, " ".join(h for h in hints if h)) if uncertain else None
    hosts = [str(h) for h in value]
    if any("<" in h for h in hosts):
        pattern = " or ".join(hosts)
        text = f"Replace the placeholder: {pattern}" + (f" (e.g. {example})." if example else ".")
        return entry(None, uncertain, " ".join(h for h in [text, *hints] if h), hosts)
    hints.append(evidence_note(facts, "hostname"))
    confirm = specific(" ".join(hints))
    if confirm:
        hints.insert(0, CONFIRM)
    return entry(
        hosts[0],
        uncertain,
        " ".join(h for h in hints if h),
        hosts if len(hosts) > 1 else None,
        confirm=confirm,
    )


def kind_prefill(kind: str, facts: Json) -> dict[str, Json]:
    out: dict[str, Json] = {}
    host = hostname_prefill(facts)
    if host:
        out["hostname"] = host
    for key in PLAIN_FIELDS:
        value, uncertain, note = unwrap(facts.get(key))
        if value is not None:
            out[key] = entry(value, uncertain, note or evidence_note(facts, key))
    value, uncertain, note = unwrap(facts.get("additional_ips"))
    if value is not None or uncertain:
        note = note or evidence_note(facts, "additional_ips")
        if uncertain and value and "example" in note.casefold():
            # an example in the guide is not the carrier's address: never pre-fill it
            shown = ", ".join(str(v) for v in value)
            note = f"{note} Not pre-filled: the guide's {shown} is an example, not yours."
            value = None
        out["additional_ips"] = entry(value, uncertain, note.strip())
    if kind != "ip":
        value, uncertain, note = unwrap(facts.get("registration"))
        if value is not None:
            out["registration"] = entry(value, uncertain, facts.get("registration_note") or note)
        value, uncertain, note = unwrap(facts.get("register_interval"))
        if value is not None:
            out["register_interval"] = entry(value, uncertain, note)
    seen = facts.get("options_seen_in_screenshot") or {}
    for key, value in seen.items():
        out.setdefault(key, entry(value, False, "Seen in the vendor guide's screenshot."))
    return out


def with_kb_evidence(provider: str, api_type: str, facts: Json) -> Json:
    """``facts`` with :data:`KB_EVIDENCE` added to its ``evidence``."""
    evidence = dict(facts.get("evidence") or {})
    for key, seen in KB_EVIDENCE.get((provider, api_type), {}).items():
        evidence[key] = f"{evidence[key]}; {seen}" if evidence.get(key) else seen
    return {**facts, "evidence": evidence}


# A value the seed's own note calls an inference ("presumably", "assumed") or an example
# of the value ("Example primary IP") has no source for this trunk: it is not pre-filled.
_INFERRED_WORDS = ("presumably", "assumed")
ASK = {
    "hostname": "your trunk's SIP host",
    "additional_ips": "its SIP source IPs",
    "transport": "UDP, TCP or TLS",
    "port": "the SIP port",
}


def unsourced(item: Json) -> str:
    """Why a pre-filled value has no source ("" if it has one)."""
    note = str(item.get("note") or "").removeprefix(CONFIRM).strip()
    if not item.get("uncertain") or item.get("value") is None:
        return ""
    if any(word in note.casefold() for word in _INFERRED_WORDS):
        return "is inferred, not documented for this trunk"
    return "is the guide's example, not yours" if note.casefold().startswith("example") else ""


def cited_prefill(provider: str, api_type: str, facts: Json) -> dict[str, Json]:
    """The pre-fill of one kind, every value saying where it comes from: its evidence, or
    else the vendor's guide for that kind (the seed's source of the type's facts). A value
    without a source is left out (``value None``) and ``ask`` says what to ask instead."""
    facts = with_kb_evidence(provider, api_type, facts)
    out = kind_prefill(KINDS[api_type], facts)
    page = facts.get("ui_trunk_type") or api_type
    for key, item in out.items():
        if not item["note"] and item["value"] is not None:
            item["note"] = f"From the vendor's {provider} guide ({page})."
        why = unsourced(item)
        if why:
            value = item["value"]
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            item["note"] = f"{item['note']} Not pre-filled: {shown} {why}."
            item.pop("confirm", None)
            item.pop("choices", None)
            item["value"] = None
        if item["value"] is None and key in ASK and not item.get("choices"):
            item["ask"] = f"ask {provider}: {ASK[key]}"
    return out


def kind_facts(facts: Json) -> dict[str, Any]:
    who, who_uncertain, who_note = unwrap(facts.get("who_can_create"))
    hints: dict[str, Any] = {
        "who_can_create": who or "",
        "ui_label": facts.get("ui_trunk_type", ""),
    }
    notes = [n for n in (who_note, facts.get("concurrency_note"), facts.get("purpose")) if n]
    _, needed_uncertain, needed_note = unwrap(facts.get("registration_credentials_needed"))
    if needed_uncertain and needed_note:
        notes.append(needed_note)
    for field, key in CREDENTIAL_KEYS:
        value, uncertain, note = unwrap(facts.get(key))
        if value:
            hints[field] = value + (f" (uncertain: {note})" if uncertain else "")
    hints["three_way_auth"] = bool(facts.get("three_way_auth"))
    hints["notes"] = notes
    hints["uncertain"] = who_uncertain
    return hints


def convert_provider(p: Json) -> dict[str, Any]:
    api_value, api_uncertain, _ = unwrap(p["brand_api_value"])
    kinds = [KINDS[t] for t in p["trunk_types"] if t in KINDS]
    brand: dict[str, Any] = {
        "name": p["brand"],
        "provider": p["provider"],
        "api_value": api_value,
        "api_value_uncertain": api_uncertain,
        "documented": p.get("voice_documented", True),
        "sms_supported": bool(p.get("sms_supported")),
        "kinds": kinds,
        "prefill": {KINDS[t]: cited_prefill(p["provider"], t, f) for t, f in p["types"].items()},
        "facts": {KINDS[t]: kind_facts(f) for t, f in p["types"].items()},
        "call_prefix": p.get("prefix_facts"),
        "did_pool_example": p.get("did_pool_example", ""),
        "outbound_number_format": p.get("outbound_number_format", ""),
        "caller_id_format": p.get("caller_id_format", ""),
        "prerequisites": p.get("provider_portal_prerequisites", []),
        "prerequisites_uncertain": p.get("provider_portal_prerequisites_uncertain", []),
        "doc_conflicts": p.get("doc_conflicts", []),
        "variants_note": p.get("brand_variants_note", ""),
        "sources": [s for s in p.get("sources", []) if s.endswith(".md")],
    }
    required = p.get("outbound_parameters_required")
    if required:
        _, mapping_uncertain, mapping_note = unwrap(required.get("api_mapping_note"))
        brand["outbound_parameters"] = {
            k: v["value"] for k, v in required["api_outbound_parameters"].items()
        }
        brand["outbound_parameters_note"] = (
            ("Mandatory. " if required.get("mandatory") else "")
            + (f"Uncertain: {mapping_note}" if mapping_uncertain else "")
        ).strip()
    return brand


def generic(rules: Json) -> dict[str, Any]:
    base = {
        "port": entry(5060, False, GENERIC_NOTE),
        "transport": entry("UDP", False, GENERIC_NOTE),
    }
    register = {
        **base,
        "registration": entry(True, False, "Send REGISTER (UI default)."),
        "register_interval": entry(600, False, "UI default 'Reregister Time'."),
    }
    who = {
        "ip": rules["ip_trunk"],
        "register": rules["register_trunk"],
        "accept_register": rules["accept_register_trunk"],
    }
    return {
        "name": "Generic",
        "provider": "Generic",
        "api_value": "Generic",
        "api_value_uncertain": True,
        "documented": True,
        "sms_supported": False,
        "kinds": ["register", "ip", "accept_register"],
        "prefill": {"register": register, "ip": dict(base), "accept_register": dict(register)},
        "facts": {
            k: {
                "who_can_create": v,
                "ui_label": "",
                "three_way_auth": False,
                "notes": [],
                "uncertain": False,
            }
            for k, v in who.items()
        },
        "call_prefix": None,
        "did_pool_example": "",
        "outbound_number_format": "",
        "caller_id_format": "",
        "prerequisites": [],
        "prerequisites_uncertain": [],
        "doc_conflicts": [],
        "variants_note": rules["brand_generic"],
        "sources": [rules["source"]],
    }


def undocumented(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "provider": name,
        "api_value": name,
        "api_value_uncertain": True,
        "documented": False,
        "sms_supported": False,
        "kinds": ["register", "ip"],
        "prefill": {"register": {}, "ip": {}},
        "facts": {},
        "call_prefix": None,
        "did_pool_example": "",
        "outbound_number_format": "",
        "caller_id_format": "",
        "prerequisites": [],
        "prerequisites_uncertain": [],
        "doc_conflicts": [],
        "variants_note": "Mentioned in the vendor's knowledge base without a setup guide: "
        "nothing to pre-fill, enter the carrier's values.",
        "sources": [],
    }


def build(source: Json) -> dict[str, Any]:
    meta = source["meta"]
    brands = [generic(meta["general_rules_from_admin_guide"])]
    brands += [convert_provider(p) for p in source["providers"]]
    known = {b["name"] for b in brands}
    brands += [
        undocumented(n)
        for n in meta.get("mentioned_without_guide", [])
        if n not in known and not n.startswith("Generic")
    ]
    api_note = source["providers"][0]["brand_api_value"].get("note", "")
    return {
        "format": 1,
        "generated_from": meta["generated_from"],
        "api_value_note": api_note,
        "did_pool_rule": meta["general_rules_from_admin_guide"]["did_pool"],
        "brands": brands,
    }


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else SOURCE
    dest = Path(argv[2]) if len(argv) > 2 else DEST
    data = build(json.loads(src.read_text(encoding="utf-8")))
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(data['brands'])} brands to {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
