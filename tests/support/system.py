"""Helpers for tests that need a real system component (kamailio, sipp, keyring, tmux).

``need_binary`` skips with the reason when the program is missing; under ``CI=true`` the
root conftest turns every such skip into a failure, so nothing real is silently skipped.
"""

from __future__ import annotations

import os
import shutil

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def need_binary(name: str, package: str | None = None) -> str:
    """Return the path of ``name`` or skip the test saying how to get it."""
    path = shutil.which(name)
    if path is None:
        pkg = package or name
        pytest.skip(f"{name} is not installed (apt-get install {pkg}; `make test` does it as root)")
    return path
