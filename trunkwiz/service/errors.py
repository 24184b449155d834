"""The errors a front end catches from the service layer (imported where a screen or a
command handles them, so start-up does not load the PBX client).

``ServiceError``: any PBX read or write failed (network, TLS, refused, invalid); its text
is one line for the user, ``messages`` the PBX's own. ``PlanError``: the wanted change
cannot be made on an existing trunk. ``SecretStoreUnavailable``: no usable keyring.
"""

from __future__ import annotations

from trunkwiz.pbx.errors import PbxError as ServiceError
from trunkwiz.pbx.plan import PlanError
from trunkwiz.store.secrets import SecretStoreUnavailable

__all__ = ["PlanError", "SecretStoreUnavailable", "ServiceError"]
