"""Outside text made visible: control characters escaped, everything else unchanged."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trunkwiz.domain.text import control_chars, control_chars_problem, is_hidden, visible

HOSTILE = [
    "T\x1b]52;c;ZWNobyBwd25lZAo=\x07\x1b[8m",
    "Evil\x1b]0;PWNED\x07\x1b[2K\x1b[1A",
    "bell\x07 del\x7f csi\x9b31m nel\x85",
    "abc\u202edcb",
    "line\u2028sep\u2029para",
    "nul\x00 cr\r lf\n tab\t",
    "lone \udcff surrogate",
    "zero\u200bwidth \ufeffbom \u2066isolate\u2069",
]


def _raw_controls(text: str) -> list[str]:
    return [c for c in text if is_hidden(c)]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_has_no_raw_control_character_left(text: str) -> None:
    shown = visible(text)
    assert _raw_controls(shown) == []
    assert shown.isprintable()


def test_the_escape_names_each_character() -> None:
    assert visible("T\x1b]0;x\x07") == "T\\x1b]0;x\\x07"
    assert visible("a\u202eb") == "a\\u202eb"
    assert visible("a\x9bb\x7f") == "a\\x9bb\\x7f"
    assert visible("a\nb\tc\rd") == "a\\nb\\tc\\rd"
    assert visible("\U000e0041") == "\\U000e0041"


def test_multiline_keeps_newlines_and_tabs_only() -> None:
    assert visible("one\ntwo\tx\r\x1b[1A", multiline=True) == "one\ntwo\tx\\r\\x1b[1A"


@pytest.mark.parametrize(
    "text",
    [
        "Acme Dental [/EU] 001",
        "Carrier [/old]",
        "Twilio [EU]",
        "Zürich Télécom",
        "東京 SIP",
        "👩\u200d💻 ops",
    ],
)
def test_plain_text_and_markup_are_unchanged(text: str) -> None:
    assert visible(text) == text
    assert control_chars(text) == []
    assert control_chars_problem(text) is None


def test_control_chars_lists_each_one_once() -> None:
    assert control_chars("a\x1bb\x1b\x07\n") == ["\\x1b", "\\x07", "\\n"]
    problem = control_chars_problem("x\x00")
    assert problem is not None and "\\x00" in problem


def test_every_control_and_format_code_point_is_hidden() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        category = unicodedata.category(char)
        if category in {"Cc", "Cf", "Cs", "Zl", "Zp"} and char != "\u200d":
            assert visible(char) != char, hex(code)
            assert control_chars(char), hex(code)


@given(st.text())
def test_visible_output_is_printable_and_plain_input_unchanged(text: str) -> None:
    shown = visible(text)
    assert _raw_controls(shown) == []
    if not control_chars(text):
        assert shown == text
    assert visible(shown) == shown  # idempotent


@given(st.text())
def test_same_length_keeps_the_length_and_leaves_no_control_character(text: str) -> None:
    from trunkwiz.domain.text import same_length

    shown = same_length(text)
    assert len(shown) == len(text)
    assert _raw_controls(shown) == []
    assert same_length("a\x1bb\x7f\u202e") == "a\u241bb\u2421\ufffd"
