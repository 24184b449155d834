"""Keys that reach the app in one read are applied exactly as if typed one by one.

A burst is posted the way the terminal driver posts one read: several ``Key`` events in a
row, without waiting between them. The same keys pressed one at a time (each awaited)
give the reference outcome; both must also be the outcome a person expects.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.pilot import Pilot

from tests.support.pilot import settle, step_of, wait_for
from trunkwiz.service.draft import WizardDraft
from trunkwiz.service.services import Services
from trunkwiz.tui.app import TrunkWizApp
from trunkwiz.tui.widgets.compact import TextField

BASIC = {"name": "burst-1", "hostname": "sip.old.example", "port": 5070, "transport": "UDP"}


def key_event(key: str) -> events.Key:
    """The ``Key`` event the driver makes for ``key`` (a character or a key name)."""
    return events.Key(key, key if len(key) == 1 else None)


async def all_applied(pilot: Pilot[Any]) -> None:
    """Wait until the App has taken every key posted so far (a callback queued behind
    them has run) and applied them all (none held)."""
    app = pilot.app
    assert isinstance(app, TrunkWizApp)
    taken: list[bool] = []
    app.call_later(taken.append, True)
    await wait_for(pilot, lambda: bool(taken) and app.key_order.open and not app.key_order.held)


async def post_burst(pilot: Pilot[Any], keys: list[str]) -> None:
    """Post every key before any is handled (one read from the terminal)."""
    app = pilot.app
    for key in keys:
        event = key_event(key)
        event.set_sender(app)
        app.post_message(event)
    await all_applied(pilot)


async def press_slowly(pilot: Pilot[Any], keys: list[str]) -> None:
    for key in keys:
        await pilot.press(key)
        await all_applied(pilot)


def outcome(app: TrunkWizApp) -> dict[str, Any]:
    """What the keys did: the step, the focused widget, every text field's value and
    cursor, and what the draft holds."""
    focused = app.focused
    return {
        "step": str(getattr(app.screen, "STEP", "")),
        "focused": focused.id if focused is not None else None,
        "fields": {f.id: (f.value, f.cursor_position) for f in app.screen.query(TextField)},
        "draft": dict(app.draft.fields),
    }


async def run_keys(
    services: Services, step: str, focus: str, keys: list[str], *, burst: bool
) -> dict[str, Any]:
    draft = WizardDraft(url="x", user="admin", kind="register", level="system", fields=dict(BASIC))
    app = TrunkWizApp(services, start=step, draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one(f"#{focus}").focus()
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == focus)
        if burst:
            await post_burst(pilot, keys)
        else:
            await press_slowly(pilot, keys)
        return outcome(app)


async def same_both_ways(
    services: Services, step: str, focus: str, keys: list[str]
) -> dict[str, Any]:
    slow = await run_keys(services, step, focus, keys, burst=False)
    fast = await run_keys(services, step, focus, keys, burst=True)
    assert fast == slow
    return fast


async def test_a_burst_of_editing_keys_lands_as_typed(connected: Services) -> None:
    keys = ["end", *["backspace"] * 7, *"net", "home", *["right"] * 4, "ctrl+k"]
    keys += [*"example.org", "home", "delete", "delete", "delete", *"gw"]
    keys += ["end", "shift+left", "shift+left", "shift+left", *"net", "left", "left", *"x"]
    result = await same_both_ways(connected, "basic", "hostname", keys)
    assert result["fields"]["hostname"] == ("gw.example.nxet", 13)


async def test_select_all_and_cut_then_typing_replaces_the_field(connected: Services) -> None:
    """The tmux report: ``C-a C-k 10.0.0.1`` in one call left the field empty."""
    keys = ["ctrl+a", "ctrl+k", *"10.0.0.1"]
    result = await same_both_ways(connected, "basic", "hostname", keys)
    assert result["fields"]["hostname"][0] == "10.0.0.1"


async def test_tab_and_shift_tab_move_before_the_next_characters(connected: Services) -> None:
    """The tmux report: ``Tab 5060`` in one call appended 5060 to the previous field."""
    keys = ["end", *"-x", "shift+tab", "shift+tab", "tab", "tab", "tab", "ctrl+a", "ctrl+k"]
    keys += [*"5060", "tab", "tab", *"proxy.example", "shift+tab", "shift+tab", "end", *"1"]
    result = await same_both_ways(connected, "basic", "hostname", keys)
    assert result["fields"]["hostname"][0] == "sip.old.example-x"
    assert result["fields"]["port"][0] == "50601"
    assert result["fields"]["outbound_server"][0] == "proxy.example"
    assert result["focused"] == "port"


async def test_typing_after_tab_replaces_the_text_focus_selected(connected: Services) -> None:
    keys = ["tab", *"5061"]
    result = await same_both_ways(connected, "basic", "hostname", keys)
    assert result["fields"]["port"][0] == "5061"


async def test_ctrl_n_and_ctrl_r_change_step_before_the_next_characters(
    connected: Services,
) -> None:
    keys = ["ctrl+n", *"acct-1", "ctrl+r", "end", *"-2", "ctrl+n", "end", *"b"]
    result = await same_both_ways(connected, "basic", "name", keys)
    assert result["step"] == "credentials"
    assert result["draft"]["name"] == "burst-1-2"
    assert result["fields"]["auth_id"][0] == "acct-1b"


async def test_a_burst_typed_before_the_first_step_is_shown_is_kept(connected: Services) -> None:
    draft = WizardDraft(url="x", user="admin", kind="register", level="system", fields=dict(BASIC))
    app = TrunkWizApp(connected, start="basic", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await post_burst(pilot, ["end", *"-9"])
        assert step_of(pilot) == "basic"
        assert app.screen.query_one("#name", TextField).value == "burst-1-9"


async def test_keys_apply_when_nothing_has_focus(connected: Services) -> None:
    """A focused button that gets disabled loses the focus: keys still apply."""
    draft = WizardDraft(url="x", user="admin", kind="register", level="system", fields=dict(BASIC))
    app = TrunkWizApp(connected, start="basic", draft=draft)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.set_focus(None)
        await post_burst(pilot, ["ctrl+n"])
        assert step_of(pilot) == "credentials"


async def test_text_after_enter_on_add_rule_lands_in_the_new_form(
    connected: Services, sandbox: Any
) -> None:
    """``Enter z z`` in one read on "Add outbound rule": the press adds a form and focuses
    its first field; the characters after it go there, not to the button (lost)."""
    from tests.tui.test_tui_in_view import routes_app, tab_to

    for keys in (["enter", "z", "z"], ["space", "z", "z"]):
        app = routes_app(connected, sandbox)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await wait_for(pilot, lambda: app.screen.ready)  # noqa: B023
            await tab_to(pilot, "routes-0-add-outbound")
            await post_burst(pilot, keys)
            await settle(pilot)
            forms = app.screen.query(".rule-outbound")
            assert len(forms) == 1, keys
            name = forms.first().query(TextField).first()
            assert app.focused is name, keys
            assert name.value == "zz", (keys, name.value)


async def test_a_press_whose_button_goes_before_its_turn_does_not_hold_keys_for_good(
    connected: Services, sandbox: Any
) -> None:
    """The hold after a press climbs from the button; if the button is removed before
    its queue reaches the callback, the next key releases the hold instead of waiting
    for a callback that will never run."""
    from tests.tui.test_tui_in_view import routes_app, tab_to

    app = routes_app(connected, sandbox)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await wait_for(pilot, lambda: app.screen.ready)
        await tab_to(pilot, "routes-0-add-outbound")
        await post_burst(pilot, ["enter"])
        form = app.screen.query(".rule-outbound").first()
        button = form.query_one(f"#{form.id}-remove")
        name = form.query(TextField).first()
        # the callback is taken into the button's queue, which goes before running it
        button.call_later = lambda *args, **kwargs: True  # type: ignore[method-assign]
        app.key_order._hold_for_press(button)
        await form.remove()
        name_after = app.screen.query(".rule-outbound")
        assert not name_after and not name.is_attached
        await post_burst(pilot, ["tab"])  # applied: nothing waits for the lost callback
        assert app.key_order.open and not app.key_order.held
