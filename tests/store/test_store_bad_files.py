"""Files trunkwiz reads back (drafts, profiles) that do not parse or have the wrong shape:
each is moved aside (``<name>.bad-<time>``, private), ONE line on stderr names where, and
the program goes on as if there were no file. A good file is used and nothing is said."""

from __future__ import annotations

import os
import re
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from trunkwiz.service.draft import TenantPick, WizardDraft
from trunkwiz.store.drafts import DraftStore
from trunkwiz.store.paths import UntrustedPath
from trunkwiz.store.profiles import Profile, ProfileStore

MAX_BYTES = 1 << 20  # trunkwiz.store.tomlfile.MAX_BYTES: the largest file read back

STAMP = b"saved_at = 2026-12-01T10:00:00Z\n"

#: name -> bytes of drafts/default.toml (after a valid ``saved_at`` where it matters).
BAD_DRAFTS: dict[str, bytes] = {
    "toml syntax error": STAMP + b'step = "basic\n',
    "tenant without tenant_id (reported)": STAMP + b'tenants = [{ name = "acme" }]\n',
    "tenants not a list": STAMP + b'tenants = "acme"\n',
    "tenant_id a number": STAMP + b"tenants = [{ tenant_id = 5 }]\n",
    "concurrency as text": STAMP + b'tenants = [{ tenant_id = "t", concurrency = "5" }]\n',
    "step a number": STAMP + b"step = 3\n",
    "step unknown": STAMP + b'step = "nowhere"\n',
    "kind unknown": STAMP + b'kind = "fax"\n',
    "fields not a table": STAMP + b'fields = ["name"]\n',
    "a field nested one level too deep": STAMP + b"[fields.name]\nfirst = 1\n",
    "options nested": STAMP + b"[options.enabled]\nvalue = true\n",
    "baseline a number": STAMP + b"baseline = 3\n",
    "baseline tenant wrong": STAMP + b"[baseline]\ntenants = [{ tenant_id = [] }]\n",
    "routes rules not a list": STAMP + b'[routes.t1]\noutbound = "all"\n',
    "route rule nested": STAMP + b'[[routes.t1.inbound]]\nname = "in"\n[routes.t1.inbound.x]\n',
    "routes_skipped as text": STAMP + b'routes_skipped = "yes"\n',
    "unknown key": STAMP + b'colour = "blue"\n',
    "old layout (a [trunk] table)": STAMP + b'[trunk]\nname = "carrier-a"\n',
    "saved_at missing": b'step = "basic"\n',
    "saved_at without offset": b'saved_at = 2026-12-01T10:00:00\nstep = "basic"\n',
    "not UTF-8": STAMP + b'step = "b\xe4sic"\n',
    "binary garbage": bytes(range(256)) * 4,
    "huge": STAMP + b"# " + b"x" * MAX_BYTES + b"\n",
    "empty table where text": STAMP + b"url = {}\n",
}

BAD_PROFILES: dict[str, bytes] = {
    "toml syntax error": b'default = "a"\n[profiles.a]\nurl = \n',
    "default a number": b"default = 3\n",
    "profiles not a table": b'profiles = "main"\n',
    "a profile not a table": b"[profiles]\na = 1\n",
    "url a number": b"[profiles.a]\nurl = 5\n",
    "insecure as text": b'[profiles.a]\ninsecure = "no"\n',
    "unknown key in a profile": b'[profiles.a]\npinned_sha265 = "x"\n',
    "extra nesting": b'[profiles.a]\nurl = "https://x:1"\n[profiles.a.tls]\npin = "x"\n',
    "unknown top-level key": b'colour = "blue"\n',
    "a bad fingerprint": b'[profiles.a]\npinned_sha256 = "not hex"\n',
    "a bad profile name": b'[profiles."two words"]\nuser = "admin"\n',
    "a url that is no url": b'[profiles.a]\nurl = "pbx"\n',
    "not UTF-8": b'[profiles.a]\nuser = "r\xf6ot"\n',
    "binary garbage": bytes(range(256)) * 4,
    "huge": b"# " + b"x" * MAX_BYTES + b"\n",
}


def draft_path(config: Path) -> Path:
    return DraftStore(config).path


def plant(path: Path, content: bytes | None) -> None:
    """``content`` at ``path`` (private, as trunkwiz makes it); ``None``: a directory."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    if content is None:
        path.mkdir(mode=0o755)
        (path / "inside.txt").write_text("kept\n")
    else:
        path.write_bytes(content)
        path.chmod(0o644)


def assert_moved_aside_once(path: Path, content: bytes | None, err: str, what: str) -> Path:
    """The file is gone from ``path``, kept beside it as ``.bad-<time>`` (same bytes,
    private) and one stderr line said where."""
    assert not os.path.lexists(path)
    (moved,) = [p for p in path.parent.iterdir() if p.name.startswith(path.name + ".bad-")]
    assert re.fullmatch(re.escape(path.name) + r"\.bad-\d{8}T\d{6}Z", moved.name)
    if content is None:
        assert moved.is_dir() and (moved / "inside.txt").read_text() == "kept\n"
        assert stat.S_IMODE(moved.stat().st_mode) == 0o700
    else:
        assert moved.read_bytes() == content
        assert stat.S_IMODE(moved.stat().st_mode) == 0o600
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"trunkwiz: {what} {path} cannot be used (")
    assert lines[0].endswith(f"moved it to {moved}, going on without it")
    assert "Traceback" not in err and "\x1b" not in err
    return moved


DRAFT_CASES = [*BAD_DRAFTS.items(), ("a directory in place of the file", None)]
PROFILE_CASES = [*BAD_PROFILES.items(), ("a directory in place of the file", None)]


@pytest.mark.parametrize(("case", "content"), DRAFT_CASES, ids=[c for c, _ in DRAFT_CASES])
def test_a_bad_draft_is_moved_aside_and_the_wizard_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, content: bytes | None
) -> None:
    path = draft_path(tmp_path)
    plant(path, content)
    drafts = DraftStore(tmp_path)
    assert drafts.load() is None
    out, err = capsys.readouterr()
    assert out == ""
    assert_moved_aside_once(path, content, err, "the saved draft")
    assert not drafts.exists()
    assert drafts.load() is None and capsys.readouterr().err == "", "said once"
    drafts.save({"step": "kind", "url": "https://pbx.test:8887"})  # and goes on
    loaded = drafts.load()
    assert loaded is not None and loaded["step"] == "kind"


@pytest.mark.parametrize(("case", "content"), PROFILE_CASES, ids=[c for c, _ in PROFILE_CASES])
def test_a_bad_profiles_file_is_moved_aside_and_counts_as_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, content: bytes | None
) -> None:
    store = ProfileStore(tmp_path)
    plant(store.path, content)
    assert store.names() == []
    _, err = capsys.readouterr()
    assert_moved_aside_once(store.path, content, err, "the profiles file")
    assert store.default() is None and capsys.readouterr().err == ""
    store.save(Profile(name="fresh", url="https://pbx.test:8887"))
    assert store.names() == ["fresh"]


def test_the_reported_draft_says_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plant(draft_path(tmp_path), BAD_DRAFTS["tenant without tenant_id (reported)"])
    DraftStore(tmp_path).load()
    err = capsys.readouterr().err
    assert "(tenants[0].tenant_id: Field required (and 1 more))" in err
    plant(draft_path(tmp_path), BAD_DRAFTS["toml syntax error"])
    DraftStore(tmp_path).load()
    assert "(line 2: " in capsys.readouterr().err


def test_hostile_text_in_a_bad_file_stays_out_of_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plant(draft_path(tmp_path), STAMP + b'step = "\\u001b[2J\\u001b]0;pwned\\u0007"\n')
    assert DraftStore(tmp_path).load() is None
    err = capsys.readouterr().err
    assert "\x1b" not in err and "pwned" not in err and len(err.splitlines()) == 1


def test_a_fifo_in_place_of_the_draft_does_not_hang(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = draft_path(tmp_path)
    plant(path, b"")
    path.unlink()
    os.mkfifo(path, 0o600)
    assert DraftStore(tmp_path).load() is None
    assert "moved it to" in capsys.readouterr().err
    assert not os.path.lexists(path)


def test_a_file_of_another_user_is_refused_and_left_where_it_is(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to give a file to another user")
    path = draft_path(tmp_path)
    plant(path, BAD_DRAFTS["toml syntax error"])
    os.chown(path, 65534, 65534)
    with pytest.raises(UntrustedPath):
        DraftStore(tmp_path).load()
    assert path.exists(), "not ours to move"


def test_a_name_already_taken_gets_another(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = draft_path(tmp_path)
    plant(path, BAD_DRAFTS["unknown key"])
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for name in (stamp, *(f"{stamp}-{n}" for n in range(1, 3))):  # this second's names
        (path.parent / f"default.toml.bad-{name}").write_text("earlier\n")
    assert DraftStore(tmp_path).load() is None
    kept = sorted(p.read_text() for p in path.parent.iterdir())
    assert kept.count("earlier\n") == 3 and len(kept) == 4, "nothing overwritten"
    assert len(capsys.readouterr().err.splitlines()) == 1


def full_draft() -> dict[str, Any]:
    """A draft using every part of the format (an edit, with routes and pre-fills)."""
    draft = WizardDraft(
        step="routes", url="https://pbx.test:8887", user="admin", domain="",
        kind="register", level="system", trunk_id="42",
        fields={"name": "carrier-a", "hostname": "sip.carrier.test", "port": 5060,
                "auth_id": "acct", "register_interval": 900, "additional_ips": "192.0.2.0/24"},
        options={"enabled": True, "keep_alive_interval": 30},
        tenants=[TenantPick("t1", "Acme", "100-199", 5), TenantPick("t2", "Bluebird")],
        prefilled={"hostname": "sip.carrier.test", "options.keep_alive": True},
        routes={"t1": {"outbound": [{"name": "out", "number_length": "10", "prepend": "",
                                     "strip_digits": 0, "caller_id": ""}],
                       "inbound": [{"name": "in", "did_numbers": "100-109",
                                    "forward_to": "1001", "holidays": "hangup"}]},
                "": {"outbound": []}},
        routes_skipped=False, tech_prefix="12345678",
    )  # fmt: skip
    draft.baseline = draft.trunk_values()
    return draft.to_dict()


def test_every_draft_the_wizard_writes_reads_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drafts = DraftStore(tmp_path)
    for data in (full_draft(), WizardDraft().to_dict(), WizardDraft().fresh().to_dict()):
        drafts.save(data)
        loaded = drafts.load()
        assert loaded is not None
        loaded.pop("saved_at")
        assert loaded == data
        assert WizardDraft.from_dict(loaded).to_dict() == data
    assert capsys.readouterr().err == ""


def test_good_files_are_used_and_nothing_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = ProfileStore(tmp_path)
    store.save(Profile(name="main", url="https://pbx.test:8887", pinned_sha256="ab" * 32))
    assert store.load("main").pinned_sha256 == ":".join(["AB"] * 32)
    assert capsys.readouterr().err == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["profiles.toml", "profiles.toml.lock"]


def test_the_size_limit_is_the_stores() -> None:
    from trunkwiz.store import tomlfile

    assert tomlfile.MAX_BYTES == MAX_BYTES
