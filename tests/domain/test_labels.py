"""Field labels and error messages in the user's words (one place for both)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from trunkwiz.domain.labels import FIELD_LABELS, label_of
from trunkwiz.domain.options import TrunkOptions
from trunkwiz.domain.rules import error_messages
from trunkwiz.domain.trunk import parse_trunk


def errors_for(**data: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        parse_trunk(data)
    return error_messages(caught.value)


def test_every_option_flag_has_a_label_without_api_jargon() -> None:
    for name in TrunkOptions.model_fields:
        assert name in FIELD_LABELS and "_" not in FIELD_LABELS[name]
    assert label_of("tenants.3.did_numbers") == "DID pool"
    assert label_of("options.inlan") == "Trunk in LAN"


def test_pydantic_wording_is_replaced_by_the_users_words() -> None:
    messages = errors_for(
        kind="ip", name="x", hostname="sip.example.com", port=70000, outbound_server_port="abc"
    )
    assert messages["port"] == ["Port must be 0–65535"]
    assert messages["outbound_server_port"] == ["Proxy port must be a whole number"]
    shown = " ".join(m for ms in messages.values() for m in ms)
    assert "Input should" not in shown


def test_a_field_the_kind_cannot_have_and_a_missing_name_are_named_plainly() -> None:
    messages = errors_for(
        kind="ip", name="", hostname="sip.example.com", auth_id="a", password=SecretStr("p")
    )
    assert messages["name"] == ["Name is required"]
    assert messages["auth_id"] == ["Authentication Name does not apply to this kind of trunk"]
    assert "Extra inputs" not in " ".join(messages["password"])
