"""The pure flow object and the draft: step order, Back/Next, what a draft may hold."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from trunkwiz.service.draft import TenantPick, WizardDraft
from trunkwiz.tui.flow import ALL_STEPS, Flow


def test_register_trunk_of_the_system_admin_has_every_step() -> None:
    assert Flow("register", "system").steps() == ALL_STEPS


def test_ip_kind_skips_credentials() -> None:
    flow = Flow("ip", "system")
    assert "credentials" not in flow.steps()
    assert flow.next("basic") == "options"
    assert flow.prev("options") == "basic"


def test_tenant_admin_skips_tenants() -> None:
    flow = Flow("register", "tenant")
    assert "tenants" not in flow.steps()
    assert flow.next("options") == "routes"
    assert flow.next("routes") == "review"
    assert flow.prev("review") == "routes"
    assert flow.prev("routes") == "options"


def test_first_and_last_steps() -> None:
    flow = Flow("register", "system")
    assert flow.prev("connect") is None
    assert flow.next("review") is None
    assert flow.is_last("review") and not flow.is_last("tenants")
    assert flow.position("basic") == (3, 8)
    assert Flow("ip", "tenant").position("review") == (6, 6)


def test_a_step_that_no_longer_applies_still_has_neighbours() -> None:
    # Credentials was shown, then the kind changed to IP: Next/Back still work.
    flow = Flow("ip", "system")
    assert flow.next("credentials") == "options"
    assert flow.prev("credentials") == "basic"


def test_unknown_step_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown step"):
        Flow().next("payment")


def test_draft_never_writes_the_password() -> None:
    draft = WizardDraft(kind="register", level="system", password=SecretStr("s3cret-pw"))
    draft.apply({"name": "a", "password": SecretStr("s3cret-pw"), "options": {"inlan": True}})
    data = draft.to_dict()
    assert "s3cret-pw" not in repr(data) and "password" not in repr(data)
    assert data["fields"] == {"name": "a"}
    assert data["options"] == {"inlan": True}


def test_draft_round_trips_through_plain_data() -> None:
    draft = WizardDraft(step="tenants", url="http://x", user="admin", kind="ip", level="system")
    draft.apply({"hostname": "h.test", "tenants": [TenantPick("7", "Acme", "15550001", 5)]})
    again = WizardDraft.from_dict(draft.to_dict())
    assert again == draft


def test_trunk_data_splits_ips_and_keeps_pools_at_the_right_level() -> None:
    draft = WizardDraft(kind="register", level="system")
    draft.apply({"additional_ips": "203.0.113.1; 198.51.100.0/24", "did_numbers": "15550001"})
    draft.tenants = [TenantPick("7", "Acme", "15550001-15550009")]
    data = draft.trunk_data()
    assert data["additional_ips"] == ["203.0.113.1", "198.51.100.0/24"]
    assert "did_numbers" not in data  # a shared trunk's pools are per tenant
    assert data["tenants"] == [
        {"tenant_id": "7", "tenant_name": "Acme", "did_numbers": "15550001-15550009"}
    ]
    draft.level = "tenant"
    assert draft.trunk_data()["did_numbers"] == "15550001"
