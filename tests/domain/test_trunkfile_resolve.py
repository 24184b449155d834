"""Tenant references and the signed-in level, checked against the PBX's data."""

from __future__ import annotations

import pytest

from trunkwiz.domain.options import Level
from trunkwiz.domain.trunkfile import (
    TrunkFileError,
    level_issues,
    match_tenant,
    parse,
    resolve_tenants,
)

TENANTS = [
    {"id": "T1", "name": "Acme Dental", "domain": "acme.example"},
    {"id": "T2", "name": "Bluebird", "domain": "bluebird.example"},
    {"id": "T3", "name": "Bluebird", "domain": "bluebird-eu.example"},
]


def file_with(*refs: str) -> str:
    text = '[[trunk]]\nname = "A"\nkind = "ip"\nhostname = "h.example"\n'
    for n, ref in enumerate(refs):
        text += f'[[trunk.tenants]]\ntenant = "{ref}"\ndid_numbers = "{100 + n}"\n'
    return text


@pytest.mark.parametrize("ref", ["T1", "acme.example", "ACME.example", "acme dental"])
def test_a_tenant_is_found_by_id_domain_or_name(ref: str) -> None:
    assert match_tenant(ref, TENANTS) == ("T1", "")


def test_ambiguous_and_unknown_references() -> None:
    found, why = match_tenant("Bluebird", TENANTS)
    assert found is None and "bluebird.example" in why and "bluebird-eu.example" in why
    found, why = match_tenant("acme.exampel", TENANTS)
    assert found is None and "Did you mean 'acme.example'" in why


def test_resolve_replaces_references_with_ids() -> None:
    (trunk,) = resolve_tenants(parse(file_with("acme.example", "T2")), TENANTS)
    assert [(t.tenant_id, t.tenant_name) for t in trunk.tenants] == [
        ("T1", "Acme Dental"),
        ("T2", "Bluebird"),
    ]


def test_resolve_reports_every_bad_reference_with_its_line() -> None:
    with pytest.raises(TrunkFileError) as raised:
        resolve_tenants(parse(file_with("nope", "acme.example", "Bluebird")), TENANTS)
    issues = [(i.key, i.line) for i in raised.value.issues]
    assert issues == [("tenants[1].tenant", 6), ("tenants[3].tenant", 12)]


def test_the_same_tenant_under_two_references_is_an_error() -> None:
    with pytest.raises(TrunkFileError) as raised:
        resolve_tenants(parse(file_with("T1", "acme.example")), TENANTS)
    (issue,) = raised.value.issues
    assert issue.key == "tenants[2].tenant" and "listed twice" in issue.message


def test_level_must_fit_the_account() -> None:
    shared = parse(file_with("T1"))
    assert level_issues(shared, Level.system) == []
    (issue,) = level_issues(shared, Level.tenant)
    assert issue.key == "tenants" and "Tenant Admin" in issue.message
    own = parse(
        '[[trunk]]\nname = "O"\nkind = "register"\nhostname = "h"\nauth_id = "a"\n'
        'did_numbers = "5"\n'
    )
    assert level_issues(own, Level.tenant) == []
    (issue,) = level_issues(own, Level.system)
    assert issue.key == "did_numbers" and issue.line == 6
    bare = parse('[[trunk]]\nname = "B"\nkind = "register"\nhostname = "h"\nauth_id = "a"\n')
    (issue,) = level_issues(bare, Level.tenant)
    assert issue.key == "did_numbers" and issue.message.startswith("required")


def test_an_index_of_thousands_of_tenants_matches_and_suggests() -> None:
    from trunkwiz.domain.trunkfile import TenantIndex
    from trunkwiz.sandbox.seed import seed_tenants

    tenants = seed_tenants(5_000)
    index = TenantIndex(tenants)
    some = tenants[1234]
    for ref in (some["id"], some["domain"].upper(), some["name"].lower()):
        assert match_tenant(ref, index) == (some["id"], "")
    found, why = match_tenant(some["name"].replace("e", "", 1), index)  # one letter dropped
    assert found is None and f"Did you mean {some['name']!r}" in why
    found, why = match_tenant(some["domain"][:-1], index)
    assert found is None and repr(some["domain"]) in why
    found, why = match_tenant("zzzz qqqq", index)
    assert found is None and "Did you mean" not in why


def test_overlaps_between_many_tenants_are_reported_on_the_later_one() -> None:
    refs = [f"T{n}" for n in range(1, 4)]
    tenants = [{"id": r, "name": f"Tenant {r}", "domain": f"{r.lower()}.example"} for r in refs]
    text = '[[trunk]]\nname = "A"\nkind = "ip"\nhostname = "h.example"\n'
    for ref, pool in zip(refs, ("100-110", "200", "105"), strict=True):
        text += f'[[trunk.tenants]]\ntenant = "{ref}"\ndid_numbers = "{pool}"\n'
    with pytest.raises(TrunkFileError) as caught:
        resolve_tenants(parse(text), tenants)
    (issue,) = caught.value.issues
    assert issue.key == "tenants[3].did_numbers"
    assert "105 overlaps 100-110 of tenant" in issue.message
