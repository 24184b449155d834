"""Profiles and drafts (private, atomically written TOML) and secrets (the OS keyring).

Modules: ``paths`` (where), ``tomlfile`` (how files are read and written), ``checked``
and ``schemas`` (reading a file back: its strict shape; a file that does not fit is moved
aside), ``profiles``, ``drafts``, ``secrets`` and ``backends`` (which keyring backends are
acceptable). Nothing here imports Textual or httpx; keyring and pydantic load on first use.
"""
