"""The trunk's field table agrees with the models and with what is derived from it."""

from __future__ import annotations

import pytest

from trunkwiz.domain.fields import (
    FIELDS_BY_NAME,
    TRUNK_FIELDS,
    WIZARD_FIELDS,
    model_fields,
    step_rows,
)
from trunkwiz.domain.labels import FIELD_LABELS, STEP_TITLES
from trunkwiz.domain.options import TrunkKind
from trunkwiz.domain.trunk import MODEL_FOR_KIND
from trunkwiz.domain.trunkfile import COMMON_KEYS, CREDENTIAL_KEYS, ROUTE_KEYS
from trunkwiz.service.draft import DRAFT_FIELDS, STEP_FIELDS


@pytest.mark.parametrize("kind", list(TrunkKind))
def test_the_table_and_each_model_name_the_same_fields(kind: TrunkKind) -> None:
    """A field added to a model but not to the table (or the other way round) fails here."""
    assert model_fields(kind.value) == frozenset(MODEL_FOR_KIND[kind].model_fields)


def test_names_are_unique_and_steps_known() -> None:
    assert len(FIELDS_BY_NAME) == len(TRUNK_FIELDS)
    assert {f.step for f in TRUNK_FIELDS} <= set(STEP_TITLES)


def test_every_field_has_a_portal_label() -> None:
    for f in TRUNK_FIELDS:
        assert FIELD_LABELS[f.name] == f.label
        assert f.label and "_" not in f.label


def test_the_trunk_file_keys_come_from_the_table() -> None:
    assert (
        "name",
        "kind",
        "brand",
        "hostname",
        "port",
        "transport",
        "outbound_server",
        "outbound_server_port",
        "additional_ips",
        "concurrency",
        "did_numbers",
        "options",
        "tenants",
        *ROUTE_KEYS,
    ) == COMMON_KEYS
    assert CREDENTIAL_KEYS == ("auth_id", "username", "registration", "register_interval")
    file_fields = {f.name for f in TRUNK_FIELDS if f.file_key}
    assert file_fields == set(COMMON_KEYS + CREDENTIAL_KEYS) - set(ROUTE_KEYS)
    assert "password" not in file_fields and "level" not in file_fields


def test_the_wizard_fields_come_from_the_table() -> None:
    assert [d.name for d in DRAFT_FIELDS] == [f.name for f in WIZARD_FIELDS]
    for step, names in STEP_FIELDS.items():
        assert names == tuple(f.name for f in WIZARD_FIELDS if f.step == step)
    # the Credentials step of an Accept Register trunk asks for the account only
    shown = [f.name for f in step_rows("credentials", "accept_register", "system")]
    assert shown == ["auth_id", "password"]
    assert [f.name for f in step_rows("credentials", "ip", "system")] == []
    basic = [f.name for f in step_rows("basic", "ip", "system")]
    assert "did_numbers" not in basic
    assert "did_numbers" in [f.name for f in step_rows("basic", "ip", "tenant")]


@pytest.mark.parametrize("kind", list(TrunkKind))
def test_the_defaults_the_steps_show_are_the_models(kind: TrunkKind) -> None:
    model = MODEL_FOR_KIND[kind]
    for f in TRUNK_FIELDS:
        info = model.model_fields.get(f.name)
        if info is None or info.is_required() or f.widget in ("ips", "secret", "options"):
            continue
        if f.widget == "tenants" or f.name in ("kind", "level"):
            continue
        default = info.get_default(call_default_factory=True)
        assert getattr(default, "value", default) == f.default, f.name


def test_the_option_names_are_the_models_and_each_has_a_label() -> None:
    from trunkwiz.domain.fields import OPTION_NAMES
    from trunkwiz.domain.labels import OPTION_LABELS
    from trunkwiz.domain.options import OPTION_FIELDS

    assert OPTION_NAMES == OPTION_FIELDS
    assert tuple(OPTION_LABELS) == OPTION_NAMES


def test_the_api_fields_are_the_create_bodys() -> None:
    """Every field a trunk sends (plus the password) is a known API field, and back."""
    from trunkwiz.domain.fields import API_FIELDS
    from trunkwiz.domain.trunk import RegisterTrunk

    trunk = RegisterTrunk(name="t", hostname="sip.example.net", auth_id="a", password="p")
    sent = set(trunk.api_fields()) | {"password", "did_numbers"}
    assert sent == API_FIELDS
