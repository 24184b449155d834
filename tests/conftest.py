"""Project-wide test configuration.

Under ``CI=true`` a skipped test is a failure: the README's test command installs every
system component the suite needs, so a skip in CI means something real did not run.

A test that needs a real peer (Kamailio, sipp, tmux, sshd, gnome-keyring, a shell, a pip
install) is marked ``integration``: by its module's ``pytestmark``, or here when it uses a
peer fixture or sits in a directory where every test drives one (``tests/cli``,
``tests/tui``, ``tests/integration``). ``make check`` runs the rest.

Tests marked ``slow``, and the longest ones named in ``LONGEST`` (measured with
``--durations``), are collected first, so that parallel workers start on them and the run
does not end waiting for one long test. The Makefile hands tests to the workers one at a
time (``--maxschedchunk 1``): pytest-xdist's default opening batch is a quarter of each
worker's share in collection order, which would put every long test on the first worker.

Every run ends with a table of wall time and CPU time per test directory (setup, call and
teardown of each test, children that were waited for included), so a slow directory shows
whether it works or waits. Under pytest-xdist the workers' figures are added up.
"""

from __future__ import annotations

import resource
import time
from collections import defaultdict
from collections.abc import Iterator

import pytest

from tests.support.system import in_ci


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _measured(item: pytest.Item) -> Iterator[None]:
    cpu = _cpu()
    try:
        yield
    finally:
        item.user_properties.append(("cpu", _cpu() - cpu))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    yield from _measured(item)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    yield from _measured(item)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    yield from _measured(item)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    # Only this phase's figure travels with this phase's report.
    cpu = [value for key, value in item.user_properties if key == "cpu"]
    item.user_properties[:] = [(k, v) for k, v in item.user_properties if k != "cpu"]
    report.user_properties = [p for p in report.user_properties if p[0] != "cpu"]
    if cpu:
        report.user_properties.append(("cpu", cpu[-1]))
    if report.skipped and in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true (a real component did not run): {reason}"


# Fixtures that start a real peer; a test using one is an integration test.
PEER_FIXTURES = {"kamailio_md5", "kamailio_sha256", "kamailio_3way", "sipp"}
# Directories whose tests drive the CLI in child processes, tmux, sshd or a pip install.
PEER_DIRECTORIES = ("tests/cli/", "tests/tui/", "tests/integration/")


# The longest tests of the suite (module::function, a few seconds or more each on 2 cores).
LONGEST = {
    "tests/cli/test_cli_apply_signals.py::test_signal_during_apply_rolls_back_everything",
    "tests/cli/test_cli_probe.py::test_two_trunks_on_one_carrier_host_are_spaced_out_not_refused",
    "tests/integration/test_install.py::test_wheel_installs_into_a_fresh_environment_and_runs",
    "tests/integration/test_install_trixie.py::test_pipx_install_on_debian_13_runs_the_tool_and_the_unit_tests",
    "tests/integration/test_ssh_keyring.py::test_password_kept_over_plain_ssh_and_status_signs_in_after_a_new_login",
    "tests/integration/test_ssh_keyring.py::test_wizard_over_ssh_names_the_kernel_keyring_when_keep_is_ticked",
    "tests/pbx/test_pbx_shapes.py::test_inventory_of_any_answers_loads_or_raises_a_pbx_error",
    "tests/service/test_draft_machine.py::TestDraftMachine::runTest",
    "tests/test_hostile_fuzz.py::test_wizard_shows_any_pbx_text_safely",
    "tests/test_no_password_leaks.py::test_no_password_in_config_logs_outputs_or_screens",
    "tests/tui/test_tui_accept_register.py::test_accept_register_trunk_end_to_end",
    "tests/tui/test_tui_bursts.py::test_a_burst_of_editing_keys_lands_as_typed",
    "tests/tui/test_tui_bursts.py::test_ctrl_n_and_ctrl_r_change_step_before_the_next_characters",
    "tests/tui/test_tui_bursts.py::test_tab_and_shift_tab_move_before_the_next_characters",
    "tests/tui/test_tui_edit.py::test_adding_and_removing_tenants",
    "tests/tui/test_tui_edit.py::test_an_edit_shows_and_sends_only_the_changed_fields",
    "tests/tui/test_tui_explore.py::test_explorer_finds_no_crash_no_hidden_focus_and_resume_keeps_every_value",
    "tests/tui/test_tui_in_view.py::test_a_rule_form_added_at_the_bottom_is_scrolled_into_view",
    "tests/tui/test_tui_one_path.py::test_bursts_of_next_and_back_through_an_edit_end_on_review",
    "tests/tui/test_tui_review_e2e.py::test_editing_an_existing_trunk_sends_only_the_changes",
    "tests/tui/test_tui_review_e2e.py::test_ip_trunk_end_to_end_goes_online_with_the_portal_checklist",
    "tests/tui/test_tui_review_e2e.py::test_register_trunk_shared_with_three_tenants_end_to_end",
    "tests/tui/test_tui_route_hours.py::test_hours_and_a_disabled_route_are_shown_and_kept",
    "tests/tui/test_tui_routes.py::test_a_tenant_admin_routes_its_own_trunk",
    "tests/tui/test_tui_routes.py::test_an_edit_shows_the_rules_and_removing_one_deletes_only_it",
    "tests/tui/test_tui_routes.py::test_flowroute_ip_trunk_with_rules_for_two_tenants",
    "tests/tui/test_tui_shared_rules.py::test_removing_a_shared_rule_in_the_routes_step_keeps_the_other_route",
    "tests/tui/test_tui_state.py::test_a_register_trunk_edited_without_changes_sends_no_request",
    "tests/tui/test_tui_state.py::test_a_submit_interrupted_after_the_create_is_rolled_back_then_resumed",
    "tests/tui/test_tui_state.py::test_after_submit_back_edits_the_created_trunk_and_done_starts_a_fresh_one",
    "tests/tui/test_tui_state.py::test_opening_any_trunk_and_pressing_next_plans_nothing_and_sends_nothing",
    "tests/tui/test_tui_state.py::test_switching_register_to_ip_drops_the_credentials_and_review_has_no_dead_end",
    "tests/tui/test_tui_tmux.py::test_demo_creates_a_shared_register_trunk_that_goes_online",
    "tests/tui/test_tui_tmux_filter.py::test_a_filter_typed_in_one_read_keeps_the_list_and_the_pick",
    "tests/tui/test_tui_tmux_filter.py::test_a_rule_added_for_the_second_tenant_is_typed_on_screen",
    "tests/tui/test_tui_walks.py::test_random_walks_never_dead_end_and_submit_what_was_shown",
}


def _first(item: pytest.Item) -> bool:
    """Whether ``item`` is one of the long tests that should start first."""
    name = item.nodeid.split("[", 1)[0]
    return item.get_closest_marker("slow") is not None or name in LONGEST


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if path.startswith(PEER_DIRECTORIES) or PEER_FIXTURES & set(
            getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.integration)
    items.sort(key=lambda item: not _first(item))  # stable: the rest keep their order


_TABLE: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
_STARTED = time.monotonic()


def _directory(nodeid: str) -> str:
    parts = nodeid.split("::", 1)[0].split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    row = _TABLE[_directory(report.nodeid)]
    row[0] += report.when == "call"
    row[1] += report.duration
    row[2] += sum(v for k, v in report.user_properties if k == "cpu")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _TABLE:
        return
    write = terminalreporter.write_line
    terminalreporter.section("time per directory (wall = sum over tests; cpu of the test process)")
    write(f"{'directory':28s} {'tests':>6s} {'wall s':>9s} {'cpu s':>9s} {'cpu/wall':>9s}")
    total = [0.0, 0.0, 0.0]
    for name, (count, wall, cpu) in sorted(_TABLE.items(), key=lambda kv: -kv[1][1]):
        share = cpu / wall if wall else 0.0
        write(f"{name:28s} {count:6.0f} {wall:9.1f} {cpu:9.1f} {share:9.0%}")
        total = [total[0] + count, total[1] + wall, total[2] + cpu]
    write(f"{'all':28s} {total[0]:6.0f} {total[1]:9.1f} {total[2]:9.1f}")
    write(f"elapsed {time.monotonic() - _STARTED:.1f} s")
