"""Hostile trunk files: wrong types, control characters, deep nesting, a byte order mark.
Each is one clear issue (``TrunkFileError``), never another exception."""

from __future__ import annotations

import pytest

from trunkwiz.domain.trunk import parse_trunk
from trunkwiz.domain.trunkfile import TOO_DEEP, TrunkFileError, parse

HEAD = '[[trunk]]\nname = "Acme"\nhostname = "sip.acme.example"\n'


def _issues(text: str) -> list[str]:
    with pytest.raises(TrunkFileError) as caught:
        parse(text)
    return [issue.format("f.toml") for issue in caught.value.issues]


@pytest.mark.parametrize("value", ['["register"]', "{a=1}", "5", "true"])
def test_a_kind_that_is_not_text_is_one_issue(value: str) -> None:
    assert _issues(HEAD + f"kind = {value}\n") == [
        'f.toml:4: trunk #1 "Acme": kind: must be text in quotes: '
        "one of register, ip, accept_register"
    ]


@pytest.mark.parametrize(
    "escaped", ["\\u001b]0;PWNED\\u0007", "\\n", "\\u0000", "\\u202e", "\\u009b2K"]
)
def test_a_name_with_control_characters_is_refused_on_its_line(escaped: str) -> None:
    text = f'[[trunk]]\nkind = "ip"\nname = "Evil{escaped}x"\nhostname = "sip.acme.example"\n'
    (issue,) = _issues(text)
    assert issue.startswith('f.toml:3: trunk #1 "Evil')
    assert ": name: The name contains control characters" in issue
    assert issue.isprintable()  # the name is shown escaped, not raw


def test_a_tenant_reference_with_control_characters_is_refused() -> None:
    text = HEAD + 'kind = "ip"\n[[trunk.tenants]]\ntenant = "acme\\u001b[2K"\n'
    (issue,) = _issues(text)
    assert issue.startswith('f.toml:6: trunk #1 "Acme": tenants[1].tenant: the reference contains')
    assert issue.isprintable()


def test_an_unknown_key_with_escapes_is_echoed_escaped() -> None:
    (issue,) = _issues(HEAD + 'kind = "ip"\n"x\\u001b]0;t\\u0007" = 1\n')
    assert "unknown key" in issue
    assert issue.isprintable()


@pytest.mark.parametrize("opening,closing", [("[", "]"), ("{a=", "}")])
@pytest.mark.parametrize("depth", [900, 20_000])
def test_deep_nesting_is_one_issue(opening: str, closing: str, depth: int) -> None:
    inner = "1" if opening.startswith("{") else ""
    text = HEAD + 'kind = "ip"\n' + "x = " + opening * depth + inner + closing * depth + "\n"
    assert _issues(text) == [f"f.toml: {TOO_DEEP}"]


def test_a_byte_order_mark_is_ignored() -> None:
    tf = parse("\ufeff" + HEAD + 'kind = "ip"\n')
    assert tf.trunks[0].name == "Acme"


def test_the_model_refuses_a_control_character_name() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="control characters"):
        parse_trunk({"kind": "ip", "name": "a\x1bb", "hostname": "sip.acme.example"})
    ok = parse_trunk({"kind": "ip", "name": "Carrier [/old]", "hostname": "sip.acme.example"})
    assert ok.name == "Carrier [/old]"
