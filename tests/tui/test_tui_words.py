"""Plain words and feedback at 80x24: the help key, field errors, hints, progress."""

from __future__ import annotations

from pydantic import SecretStr

from tests.tui.conftest import screen_text, settle, step_of, tenant_ids, text_of, wait_for
from trunkwiz.sandbox.server import SandboxServer
from trunkwiz.service.draft import TenantPick, WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.screens.dialogs import HelpScreen
from trunkwiz.tui.widgets.compact import TextField


def register_draft(**fields: object) -> WizardDraft:
    values = {"name": "words-1", "hostname": "words.test", **fields}
    return WizardDraft(url="x", user="admin", kind="register", level="system", fields=values)


async def test_question_mark_is_text_in_a_field_and_f1_shown_in_the_footer_opens_help(
    connected: Services,
) -> None:
    """A password pre-filled from the draft takes ``?`` as a character; the footer shows
    F1 (not ``?``) and F1 opens the help from inside the field."""
    draft = register_draft(auth_id="acct")
    draft.password = SecretStr("pre-filled-pw")
    app = TrunkWizApp(connected, start="credentials", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#password", TextField)
        field.focus()
        await pilot.press("end", "question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert field.value == "pre-filled-pw?"
        footer = screen_text(pilot).splitlines()[-1]
        assert "F1 Help" in footer and "? Help" not in footer
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert step_of(pilot) == "credentials"
        assert text_of(pilot, "#password-error") == ""


async def test_a_field_error_goes_as_soon_as_the_field_is_valid(connected: Services) -> None:
    app = TrunkWizApp(connected, start="credentials", draft=register_draft())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert "authentication" in text_of(pilot, "#auth_id-error").lower()
        assert "password" in text_of(pilot, "#password-error").lower()
        app.screen.query_one("#auth_id", TextField).focus()
        await pilot.press("a")
        await pilot.pause()
        assert text_of(pilot, "#auth_id-error") == ""
        assert "password" in text_of(pilot, "#password-error").lower()  # still wrong
        await pilot.press("backspace")
        await pilot.pause()
        assert text_of(pilot, "#auth_id-error") == ""  # shown again only by Next


async def test_a_brand_hint_is_three_rows_in_labels_and_the_rest_is_behind_f1(
    connected: Services,
) -> None:
    from textual.widgets import Select

    draft = WizardDraft(url="x", user="admin", kind="ip", level="system", fields={})
    app = TrunkWizApp(connected, start="basic", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#brand", Select).value = "Flowroute"
        await settle(pilot)
        note = app.screen.query_one("#brand-note")
        assert 1 <= note.region.height <= 3
        text = text_of(pilot, "#brand-note")
        assert "Host" in text and "Associated IPs" in text and "F1" in text
        shown = screen_text(pilot)
        for api_name in ("additional_ips", "hostname", "outbound_server"):
            assert api_name not in shown, api_name
        # the fields under the hint are still on screen
        for field_id in ("#hostname", "#port", "#transport"):
            widget = app.screen.query_one(field_id)
            assert app.screen.region.contains_region(widget.region), field_id
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        details = text_of(pilot, "#help-text")
        assert "Associated IPs: Given only as an example" in details
        assert "additional_ips" not in details


async def test_rule_errors_name_the_form_fields_by_their_labels(
    connected: Services, sandbox: SandboxServer
) -> None:
    (tid, tname), = tenant_ids(sandbox, 1)  # fmt: skip
    draft = WizardDraft(
        url=sandbox.url, user="admin", kind="ip", level="system",
        fields={"name": "words-rules", "hostname": "words.rules.test"},
        tenants=[TenantPick(tid, tname, "15554100000-15554100099")],
    )  # fmt: skip
    app = TrunkWizApp(connected, start="routes", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: bool(getattr(app.screen, "ready", False)))
        shown = []
        for kind in ("outbound", "inbound"):
            app.screen.query_one(f"#routes-0-add-{kind}").focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda k=kind: bool(app.screen.query(f".rule-{k}")))
            form = app.screen.query(f".rule-{kind}").last()
            app.screen.query_one(f"#{form.uid}-name", TextField).focus()
            await pilot.press("x")
            await wait_for(pilot, lambda f=form: text_of(pilot, f"#{f.uid}-error") != "")
            shown.append(text_of(pilot, f"#{form.uid}-error"))
        outbound, inbound = shown
        assert "number prefix, a number length or both" in outbound
        assert "DID or range: enter one DID" in inbound
        for api_name in ("number_prefix", "number_length", "did_numbers", "''"):
            assert api_name not in outbound + inbound, api_name
