"""``trunkwiz checklist NAME``: what to do at the carrier's portal for a trunk, with the
values to copy (the PBX's public IPv4, SIP port, inbound route, tech prefix …).

Never shows a private address as the public one: when the PBX has no public IPv4 set,
it says so and how to set it, and labels the private address as such.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from trunkwiz.cli import common, signin
from trunkwiz.cli.common import EXIT_INPUT, EXIT_OK, CliError

if TYPE_CHECKING:
    from trunkwiz.domain.trunkfile import AnyTrunk
    from trunkwiz.service.connection import Connection

DESCRIPTION = "Show the carrier-portal checklist of a trunk, with the values to copy."

EPILOG = """\
exit status: 0 shown, 1 PBX/network failure, 2 bad input (unknown trunk name, or a
--tech-prefix that is not digits or that the trunk's brand has no place for)

examples:
  trunkwiz checklist "Flowroute"
  trunkwiz checklist "Flowroute" --tech-prefix 52709417
  trunkwiz checklist "SIPTRUNK" --json
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz checklist``."""
    p.add_argument("name", metavar="NAME", help="the trunk's name")
    p.add_argument(
        "--tech-prefix",
        default="",
        metavar="DIGITS",
        help="the carrier's tech prefix (Flowroute: digits) to show where it goes; refused "
        "for a brand without one",
    )
    common.add_password_stdin(p)
    common.add_output_options(p)


def run(args: argparse.Namespace) -> int:
    """Exit 0 shown, 1 PBX/network failure, 2 bad input."""
    return common.run_async(lambda: _checklist(args))


async def _checklist(args: argparse.Namespace) -> int:
    from trunkwiz.service.checklist import checklist_for  # lazy: keeps --help light

    prefix = args.tech_prefix.strip()
    if prefix and not prefix.isdigit():
        raise CliError(f"--tech-prefix must be digits, not {prefix!r}", EXIT_INPUT)
    services, conn = await signin.sign_in_from_args(args)
    try:
        trunk = await _trunk(conn, args.name)
        if prefix and not takes_tech_prefix(str(trunk.brand)):
            raise CliError(
                f"--tech-prefix has no effect on trunk {trunk.name}: its brand "
                f"({trunk.brand}) has no tech prefix in the outbound rule",
                EXIT_INPUT,
            )
        result = await checklist_for(conn, trunk, tech_prefix=prefix)
    finally:
        await services.close()
    if args.json:
        data = {
            "trunk": trunk.name,
            "brand": result.brand,
            "steps": list(result.steps),
            "values": [{"label": k, "value": v} for k, v in result.values],
            "warnings": list(result.warnings),
        }
        print(json.dumps(data, indent=1))
    else:
        print(f"Trunk {trunk.name}")
        print("\n".join(result.lines()))
    return EXIT_OK


def takes_tech_prefix(brand: str) -> bool:
    """Whether the checklist of a ``brand`` trunk shows a tech prefix (the brand's guide
    puts a call prefix into the PBX), i.e. whether ``--tech-prefix`` does anything."""
    from trunkwiz.domain.brands import BrandCatalogue  # lazy: keeps --help light

    found = BrandCatalogue.load().find(brand)
    prefix = found.call_prefix if found is not None else None
    return bool(prefix and prefix.get("where_used_in_pbx"))


async def _trunk(conn: Connection, name: str) -> AnyTrunk:
    trunk_id = await conn.trunk_id_by_name(name)
    if trunk_id is not None:
        return await conn.load_trunk(trunk_id)
    raise CliError(f"no trunk named {name!r} on {conn.url}", EXIT_INPUT)
