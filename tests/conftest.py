"""Project-wide test configuration.

Under ``CI=true`` a skipped test is a failure: the README's test command installs every
system component the suite needs, so a skip in CI means something real did not run.

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
