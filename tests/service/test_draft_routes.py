"""The draft's routes: kept through the draft file, cleared where the trunk is."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from trunkwiz.domain.routes import Action
from trunkwiz.service.draft import TenantPick, WizardDraft

RULES = {
    "7": {
        "outbound": [{"name": "out", "number_length": "11", "prepend": "52709417*"}],
        "inbound": [{"name": "in", "did_numbers": "15550001", "forward_to": "voicemail:1001"}],
    },
    "8": {"inbound": []},
}


def test_routes_survive_the_draft_file_and_become_tenant_routes() -> None:
    draft = WizardDraft(step="routes", kind="ip", level="system", routes=RULES)
    draft.tenants = [TenantPick("7", "Seven", "15550001"), TenantPick("8", "Eight")]
    draft.tech_prefix = "52709417"
    again = WizardDraft.from_dict(draft.to_dict())
    assert again.routes == RULES and again.tech_prefix == "52709417"
    routes = again.tenant_routes()
    assert routes["7"].outbound is not None and routes["7"].outbound[0].prepend == "52709417*"
    assert routes["7"].inbound is not None
    assert routes["7"].inbound[0].forward_to.action is Action.voicemail
    assert routes["8"].outbound is None and routes["8"].inbound == ()  # only inbound managed
    assert "routes" not in draft.trunk_values()  # the trunk's own values only


def test_skip_plans_nothing_and_a_new_trunk_forgets_the_routes() -> None:
    draft = WizardDraft(kind="ip", level="system", routes=RULES, routes_skipped=True)
    assert draft.tenant_routes() == {}
    assert WizardDraft.from_dict(draft.to_dict()).routes_skipped
    draft.forget_trunk()
    assert draft.routes == {} and not draft.routes_skipped


def test_submitted_leaves_the_rules_to_the_pbx() -> None:
    draft = WizardDraft(kind="ip", level="tenant", routes={"": RULES["7"]})
    assert list(draft.tenant_routes()) == [None]  # a Tenant Admin's own tenant
    draft.submitted("42")
    assert draft.routes == {}


def test_a_rule_the_domain_refuses_raises() -> None:
    draft = WizardDraft(level="system", routes={"7": {"outbound": [{"name": "no calls chosen"}]}})
    draft.tenants = [TenantPick("7", "Seven")]
    with pytest.raises(ValidationError):
        draft.tenant_routes()


def test_a_tenant_no_longer_shared_gets_no_rules() -> None:
    draft = WizardDraft(kind="ip", level="system", routes=RULES)
    draft.tenants = [TenantPick("8", "Eight")]  # tenant 7 was unpicked after its rules
    assert list(draft.tenant_routes()) == ["8"]
