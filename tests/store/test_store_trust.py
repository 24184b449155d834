"""Config trust: directories and files other users own or may write are refused with the
fix, symbolic links are never followed, concurrent profile saves lose nothing, and
``insecure`` is never written as a side effect (issue 11, items 8, 10 and 11)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from trunkwiz.store.drafts import DraftStore
from trunkwiz.store.paths import UntrustedPath
from trunkwiz.store.profiles import Profile, ProfileStore
from trunkwiz.store.tomlfile import ConfigFileError

REPO = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    config = tmp_path / "config"
    ProfileStore(config).save(Profile(name="main", url="https://pbx.example:8887"))
    return config


def test_a_world_writable_config_dir_is_refused_with_the_fix_and_left_alone(root: Path) -> None:
    root.chmod(0o777)
    with pytest.raises(UntrustedPath, match=r"writable by other users.*Fix: chmod 700 "):
        ProfileStore(root).default()
    with pytest.raises(UntrustedPath):
        ProfileStore(root).save(Profile(name="other"))
    with pytest.raises(UntrustedPath):
        DraftStore(root).save({"step": "basic"})
    assert _mode(root) == 0o777  # not silently "fixed": the user decides
    assert isinstance(UntrustedPath(root, "x", "y"), ConfigFileError)


def test_a_group_writable_profiles_file_is_refused(root: Path) -> None:
    (root / "profiles.toml").chmod(0o666)
    with pytest.raises(UntrustedPath, match=r"Fix: chmod 600 .*profiles.toml"):
        ProfileStore(root).load("main")


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_files_and_dirs_owned_by_another_user_are_refused(root: Path) -> None:
    os.chown(root / "profiles.toml", 65534, 65534)
    with pytest.raises(UntrustedPath, match=r"owned by another user \(uid 65534\)"):
        ProfileStore(root).default()
    os.chown(root / "profiles.toml", 0, 0)
    os.chown(root, 65534, 65534)
    with pytest.raises(UntrustedPath, match="owned by another user"):
        ProfileStore(root).default()


def test_a_planted_drafts_link_is_not_followed_nor_its_target_chmodded(
    root: Path, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o755)
    target.chmod(0o755)
    (root / "drafts").symlink_to(target)
    with pytest.raises(UntrustedPath, match="symbolic link"):
        DraftStore(root).save({"step": "basic"})
    with pytest.raises(UntrustedPath, match="symbolic link"):
        DraftStore(root).load()
    assert _mode(target) == 0o755
    assert list(target.iterdir()) == []


def test_a_linked_profiles_file_is_not_read(root: Path, tmp_path: Path) -> None:
    planted = tmp_path / "planted.toml"
    planted.write_text('[profiles.main]\nurl = "https://evil.example"\ninsecure = true\n')
    (root / "profiles.toml").unlink()
    (root / "profiles.toml").symlink_to(planted)
    with pytest.raises(UntrustedPath, match="symbolic link"):
        ProfileStore(root).default()


def test_the_config_dir_itself_may_be_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    ProfileStore(real).save(Profile(name="main"))
    link = tmp_path / "link"
    link.symlink_to(real)
    assert ProfileStore(link).load("main").name == "main"
    DraftStore(link).save({"step": "basic"})
    assert (real / "drafts" / "default.toml").exists()


def test_insecure_is_written_only_when_asked_explicitly(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "c")
    store.save(Profile(name="main", url="https://pbx.example", insecure=True))
    assert store.load("main").insecure is False
    assert "insecure = false" in store.path.read_text()
    store.save(
        Profile(name="main", url="https://pbx.example", insecure=True), insecure_explicit=True
    )
    assert store.load("main").insecure is True
    store.save(Profile(name="main", url="https://pbx.example", user="ops"))
    assert store.load("main").insecure is True  # kept: the user set it for this URL
    store.save(Profile(name="main", url="https://other.example", insecure=True))
    assert store.load("main").insecure is False  # another PBX: not carried over


SAVER = """
import sys
from pathlib import Path
from trunkwiz.store.profiles import Profile, ProfileStore
store = ProfileStore(Path(sys.argv[1]))
for n in range(40):
    store.save(Profile(name=f"{sys.argv[2]}{n}", url="https://pbx.example"))
"""


def test_concurrent_saves_keep_every_profile(tmp_path: Path) -> None:
    config = tmp_path / "c"
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", SAVER, str(config), prefix], cwd=REPO, stderr=subprocess.PIPE
        )
        for prefix in ("a", "b")
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err.decode()
    names = ProfileStore(config).names()
    assert len(names) == 80
    assert set(names) == {f"{p}{n}" for p in "ab" for n in range(40)}
