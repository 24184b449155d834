"""Names for plain JSON/TOML data, in a module of their own: every layer annotates with
them, and importing them costs nothing (the decoder, ``jsonbounds``, loads ``json``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

JsonObject = dict[str, Any]  # Any: a JSON or TOML object; readers check each value they use
"""A JSON or TOML object as plain data (a PBX body, a trunk file's table, the draft file).
Name it instead of ``dict[str, Any]``: its values are checked where they are read."""
JsonMapping = Mapping[str, Any]  # Any: the same plain data, taken read-only
"""A :data:`JsonObject` a function only reads."""
