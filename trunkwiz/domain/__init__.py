"""Pure domain: DID pools, trunk models, the brand catalogue. No I/O, no Textual, no httpx.

The names below are imported on first use (PEP 562), so a light submodule such as
``trunkwiz.domain.text`` can be imported without loading pydantic and the models."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trunkwiz.domain.brands import GENERIC, Brand, BrandCatalogue, KindFacts, Prefill
    from trunkwiz.domain.didpool import (
        Collision,
        DidPool,
        DidPoolError,
        PoolCheck,
        PoolEntry,
        PoolIndex,
        PoolIssue,
        check_pool,
        find_collisions,
    )
    from trunkwiz.domain.options import (
        Level,
        TenantAssignment,
        Transport,
        TrunkKind,
        TrunkOptions,
    )
    from trunkwiz.domain.rules import error_messages, hostname_problem
    from trunkwiz.domain.trunk import (
        MODEL_FOR_KIND,
        AcceptRegisterTrunk,
        IpTrunk,
        RegisterTrunk,
        Trunk,
        TrunkBase,
        parse_trunk,
    )

_HOME = {
    "AcceptRegisterTrunk": "trunkwiz.domain.trunk",
    "Brand": "trunkwiz.domain.brands",
    "BrandCatalogue": "trunkwiz.domain.brands",
    "Collision": "trunkwiz.domain.didpool",
    "DidPool": "trunkwiz.domain.didpool",
    "DidPoolError": "trunkwiz.domain.didpool",
    "GENERIC": "trunkwiz.domain.brands",
    "IpTrunk": "trunkwiz.domain.trunk",
    "KindFacts": "trunkwiz.domain.brands",
    "Level": "trunkwiz.domain.options",
    "MODEL_FOR_KIND": "trunkwiz.domain.trunk",
    "PoolCheck": "trunkwiz.domain.didpool",
    "PoolEntry": "trunkwiz.domain.didpool",
    "PoolIndex": "trunkwiz.domain.didpool",
    "PoolIssue": "trunkwiz.domain.didpool",
    "Prefill": "trunkwiz.domain.brands",
    "RegisterTrunk": "trunkwiz.domain.trunk",
    "TenantAssignment": "trunkwiz.domain.options",
    "Transport": "trunkwiz.domain.options",
    "Trunk": "trunkwiz.domain.trunk",
    "TrunkBase": "trunkwiz.domain.trunk",
    "TrunkKind": "trunkwiz.domain.options",
    "TrunkOptions": "trunkwiz.domain.options",
    "check_pool": "trunkwiz.domain.didpool",
    "error_messages": "trunkwiz.domain.rules",
    "find_collisions": "trunkwiz.domain.didpool",
    "hostname_problem": "trunkwiz.domain.rules",
    "parse_trunk": "trunkwiz.domain.trunk",
}


def __getattr__(name: str) -> Any:  # Any: whichever re-exported name is asked for
    """Import a re-exported name from its module the first time it is asked for."""
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "GENERIC",
    "MODEL_FOR_KIND",
    "AcceptRegisterTrunk",
    "Brand",
    "BrandCatalogue",
    "Collision",
    "DidPool",
    "DidPoolError",
    "IpTrunk",
    "KindFacts",
    "Level",
    "PoolCheck",
    "PoolEntry",
    "PoolIndex",
    "PoolIssue",
    "Prefill",
    "RegisterTrunk",
    "TenantAssignment",
    "Transport",
    "Trunk",
    "TrunkBase",
    "TrunkKind",
    "TrunkOptions",
    "check_pool",
    "error_messages",
    "find_collisions",
    "hostname_problem",
    "parse_trunk",
]
