"""``trunkwiz.streams`` on real file descriptors: a pipe whose reader left and a closed
pseudo-terminal. A failing write never raises; the stream is pointed at /dev/null and the
loss is reported once, with the exit code it stands for."""

from __future__ import annotations

import io
import os
import pty
import sys
from collections.abc import Iterator

import pytest

from trunkwiz import streams


@pytest.fixture
def broken_pipe() -> Iterator[io.TextIOWrapper]:
    """A buffered text stream on a pipe whose reading end is closed."""
    read, write = os.pipe()
    os.close(read)
    stream = open(write, "w", encoding="utf-8", buffering=4096)  # noqa: SIM115
    try:
        yield stream
    finally:
        stream.close()


def points_at_null(fd: int) -> bool:
    return os.readlink(f"/proc/self/fd/{fd}") == os.devnull


def test_a_write_to_a_pipe_whose_reader_left_detaches_and_reports_141(
    broken_pipe: io.TextIOWrapper,
) -> None:
    watch = streams.Watch()
    seen: list[streams.Loss] = []
    watch.on_loss(seen.append)
    guarded = streams.GuardedStream(broken_pipe, "stdout", watch)
    print("a line", file=guarded, flush=True)  # raises BrokenPipeError unguarded
    print("another", file=guarded, flush=True)
    assert [(loss.name, loss.code) for loss in seen] == [("stdout", 141)]
    assert seen[0].reason == "stdout is gone (Broken pipe)"
    assert watch.code == 141
    assert points_at_null(broken_pipe.fileno())
    broken_pipe.write("more\n")
    broken_pipe.flush()  # the raw stream works again: the final flush cannot fail


def test_a_terminal_that_hung_up_is_a_hang_up() -> None:
    master, slave = pty.openpty()
    os.close(master)  # the terminal goes away: writes to it fail with EIO
    stream = open(slave, "w", encoding="utf-8")  # noqa: SIM115
    try:
        watch = streams.Watch()
        watch.on_loss(lambda loss: None)
        guarded = streams.GuardedStream(stream, "stderr", watch)
        guarded.write("x" * 10000)
        guarded.flush()
        assert watch.code == 129
        assert watch.losses[0].reason == "stderr is gone (Input/output error)"
        assert points_at_null(slave)
    finally:
        stream.close()


def test_settle_detaches_a_standard_stream_whose_last_bytes_cannot_go(
    broken_pipe: io.TextIOWrapper, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken_pipe.write("buffered, never delivered\n")  # what the final flush would fail on
    monkeypatch.setattr(sys, "stdout", broken_pipe)
    assert streams.settle() == 141
    assert points_at_null(broken_pipe.fileno())
    broken_pipe.flush()


def test_nobody_listening_ends_the_command_with_output_lost(
    broken_pipe: io.TextIOWrapper,
) -> None:
    watch = streams.Watch()
    guarded = streams.GuardedStream(broken_pipe, "stdout", watch)
    with pytest.raises(streams.OutputLost) as lost:
        try:
            print("a line", file=guarded, flush=True)
        except Exception:  # an error handler of the command does not swallow it
            pytest.fail("OutputLost is not an Exception")
    assert lost.value.loss.code == 141
    print("later", file=guarded, flush=True)  # detached: later writes go nowhere, quietly
    assert points_at_null(broken_pipe.fileno())
