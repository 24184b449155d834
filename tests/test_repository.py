"""What the repository itself holds: text a reader and the tools can trust."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^(<<<<<<< |=======$|>>>>>>> )", re.M)
TEXT = {".py", ".md", ".toml", ".sh", ".tcss", ".cfg", ".txt", ".json", ".yaml", ".yml"}


def test_no_tracked_text_file_holds_a_merge_conflict_marker() -> None:
    """A conflict resolved in the code but not in a document would ship both sides."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True, timeout=30
    ).stdout.decode()
    found = []
    for name in filter(None, listed.split("\0")):
        path = ROOT / name
        if (path.suffix in TEXT or path.name == "Makefile") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [
                f"{name}:{text[: m.start()].count(chr(10)) + 1}" for m in MARKER.finditer(text)
            ]
    assert not found, found
