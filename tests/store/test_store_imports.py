"""Importing the store is cheap: keyring, pydantic, Textual and httpx load on demand only."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import trunkwiz.store, trunkwiz.store.paths, trunkwiz.store.tomlfile
import trunkwiz.store.profiles, trunkwiz.store.drafts, trunkwiz.store.secrets
import trunkwiz.store.backends
heavy = ("keyring", "pydantic", "textual", "httpx", "secretstorage", "jeepney", "tomli_w")
print(json.dumps(sorted({k.split(".")[0] for k in sys.modules} & set(heavy))))
"""


def test_store_import_loads_nothing_heavy() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], check=True, capture_output=True, text=True, timeout=30
    )
    assert json.loads(out.stdout) == []
