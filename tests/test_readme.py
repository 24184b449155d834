"""The README's promises: the two commands open it, and its trunk file example is valid."""

from __future__ import annotations

import re
from pathlib import Path

from trunkwiz.domain import trunkfile

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_opens_with_the_two_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README.read_text(), re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make demo", "make test"]


def test_readme_trunk_file_example_parses() -> None:
    block = re.search(r"```toml\n(.*?)```", README.read_text(), re.S)
    assert block is not None
    parsed = trunkfile.parse(block.group(1))
    assert [entry.name for entry in parsed.trunks] == ["Acme SIP"]
