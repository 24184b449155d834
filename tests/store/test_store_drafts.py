"""Drafts: saved on every step, loaded on the next start, discarded after submit."""

from __future__ import annotations

import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from trunkwiz.store.drafts import DraftStore
from trunkwiz.store.tomlfile import SecretKeyRefused

DRAFT: dict[str, Any] = {
    "step": "credentials",
    "url": "https://pbx.test:8887",
    "user": "admin",
    "kind": "register",
    "level": "system",
    "fields": {"name": "carrier-a", "port": 5060, "additional_ips": "192.0.2.0/24"},
    "options": {"enabled": True, "keep_alive_interval": 30},
    "tenants": [
        {"tenant_id": "t1", "tenant_name": "acme", "did_numbers": "100-199", "concurrency": 5}
    ],
}


def test_save_load_discard(tmp_path: Path) -> None:
    drafts = DraftStore(tmp_path)
    assert drafts.load() is None and not drafts.exists()
    before = datetime.now(UTC)
    stamp = drafts.save(DRAFT)
    loaded = drafts.load()
    assert loaded is not None
    saved_at = loaded.pop("saved_at")
    assert saved_at == stamp
    assert before - timedelta(seconds=1) <= saved_at <= datetime.now(UTC)
    assert saved_at.tzinfo is not None
    assert loaded == DRAFT
    assert stat.S_IMODE(drafts.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(drafts.path.parent.stat().st_mode) == 0o700
    assert drafts.discard() is True
    assert drafts.load() is None
    assert drafts.discard() is False


def test_resave_of_a_loaded_draft_updates_saved_at(tmp_path: Path) -> None:
    drafts = DraftStore(tmp_path)
    drafts.save(DRAFT)
    loaded = drafts.load()
    assert loaded is not None
    old = loaded["saved_at"]
    loaded["step"] = "options"
    new = drafts.save(loaded)
    again = drafts.load()
    assert again is not None and again["step"] == "options"
    assert again["saved_at"] == new >= old


def test_keys_are_separate_slots(tmp_path: Path) -> None:
    DraftStore(tmp_path, "a").save({"step": "kind"})
    DraftStore(tmp_path, "b").save({"step": "basic"})
    assert DraftStore(tmp_path, "a").load()["step"] == "kind"  # type: ignore[index]
    DraftStore(tmp_path, "a").discard()
    assert DraftStore(tmp_path, "b").exists()


@pytest.mark.parametrize("key", ["", "../x", ".hidden", "a/b", "x" * 65])
def test_bad_keys_rejected(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError):
        DraftStore(tmp_path, key)


def test_none_values_are_left_out(tmp_path: Path) -> None:
    drafts = DraftStore(tmp_path)
    drafts.save({"step": "basic", "fields": {"outbound_server": None, "port": 5060}})
    assert drafts.load()["fields"] == {"port": 5060}  # type: ignore[index]
    with pytest.raises(TypeError):
        drafts.save({"step": "basic", "list": [1, None]})


def test_password_refused_and_old_draft_kept(tmp_path: Path) -> None:
    drafts = DraftStore(tmp_path)
    drafts.save(DRAFT)
    with pytest.raises(SecretKeyRefused) as info:
        drafts.save({"step": "credentials", "fields": {"password": "s3cr3t-draft"}})
    assert "fields.password" in str(info.value)
    assert "s3cr3t-draft" not in drafts.path.read_text()
    loaded = drafts.load()
    assert loaded is not None and loaded["step"] == "credentials"
    assert loaded["fields"] == DRAFT["fields"]


def test_a_corrupt_draft_is_moved_aside_and_counts_as_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drafts = DraftStore(tmp_path)
    drafts.save(DRAFT)
    drafts.path.write_text('step = "x\n')
    assert drafts.load() is None
    (moved,) = drafts.path.parent.glob("default.toml.bad-*")
    assert moved.read_text() == 'step = "x\n'
    assert f"moved it to {moved}" in capsys.readouterr().err
    assert drafts.discard() is False
    assert drafts.load() is None


def test_fast_enough_for_every_step(tmp_path: Path) -> None:
    drafts = DraftStore(tmp_path)
    big = {**DRAFT, "fields": {**DRAFT["fields"], "did_numbers": "1-2;" * 500}}
    runs = 50
    start = time.perf_counter()
    for i in range(runs):
        drafts.save({**big, "fields": {**big["fields"], "port": i}})
    per_save = (time.perf_counter() - start) / runs
    assert drafts.load()["fields"]["port"] == runs - 1  # type: ignore[index]
    assert per_save < 0.05, f"a draft save took {per_save * 1000:.1f} ms"
    assert sorted(p.name for p in drafts.path.parent.iterdir()) == ["default.toml"]
