"""Where trunkwiz keeps its files, and how the directories are made private.

The configuration directory is, in order of precedence: the ``--config DIR`` argument,
the ``TRUNKWIZ_CONFIG_DIR`` environment variable, then platformdirs' user config dir
(``~/.config/trunkwiz`` on Linux). Nothing here touches the disk until asked to.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

ENV_VAR = "TRUNKWIZ_CONFIG_DIR"
"""Environment variable that overrides the configuration directory."""

APP_NAME = "trunkwiz"
DIR_MODE = 0o700
FILE_MODE = 0o600


def config_dir(override: str | Path | None = None) -> Path:
    """Return the configuration directory (not created).

    ``override`` (the ``--config`` argument) wins, then ``$TRUNKWIZ_CONFIG_DIR``, then
    the platform's user config dir. An empty override or variable counts as unset; a
    leading ``~`` is expanded.
    """
    if override is not None and str(override) != "":
        return Path(override).expanduser()
    from_env = os.environ.get(ENV_VAR, "")
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed and make it mode 0700; return it.

    An existing directory with group or other permission bits is tightened to 0700,
    because it holds the PBX address, user names and pinned certificates.
    """
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode != DIR_MODE:
        path.chmod(DIR_MODE)
    return path
