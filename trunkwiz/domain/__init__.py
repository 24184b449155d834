"""Pure domain: DID pools, trunk models, the brand catalogue. No I/O, no Textual, no httpx."""

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
from trunkwiz.domain.fromapi import infer_level, trunk_from_api
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
    "infer_level",
    "parse_trunk",
    "trunk_from_api",
]
