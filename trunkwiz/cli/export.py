"""``trunkwiz export [NAME] [-o FILE]``: the PBX's trunks as a trunk file (no passwords).

Applying the output to the same PBX is an empty plan. Tenants are written by SIP domain
(unique on a PBX); trunk kinds this tool does not handle (Teams, WhatsApp) are skipped
with a note on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from trunkwiz.cli import common, signin
from trunkwiz.cli.common import EXIT_INPUT, EXIT_OK, CliError
from trunkwiz.cli.completion.names import remember_names
from trunkwiz.domain.text import visible

if TYPE_CHECKING:
    from trunkwiz.domain.routes import TenantRoutes
    from trunkwiz.domain.trunkfile import AnyTrunk
    from trunkwiz.pbx.objects import Tenant, TrunkSummary
    from trunkwiz.service.connection import Connection

EPILOG = """\
The file holds every key explicitly, so `trunkwiz apply` of it changes nothing; edit it
and apply it to change trunks as code. Passwords are never written. With -o the file is
replaced atomically (a new file with your umask's mode); a symbolic link at FILE is
refused, never written through.

exit status: 0 written, 1 PBX/network failure or FILE not writable, 2 bad input (unknown
trunk name, FILE a symbolic link or not a regular file)

examples:
  trunkwiz export > trunks.toml
  trunkwiz export "Acme SIP" -o acme.toml
  trunkwiz --pbx https://pbx.example.com:8887 --pin AA:BB:... export
"""


DESCRIPTION = "Write the PBX's trunks (or one) as a trunk file (TOML, no passwords)."


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz export``."""
    p.add_argument("name", nargs="?", metavar="NAME", help="only this trunk")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    common.add_password_stdin(p)
    common.add_output_options(p, json_output=False)


def run(args: argparse.Namespace) -> int:
    """Exit 0 written, 1 PBX/network failure, 2 bad input."""
    return common.run_async(lambda: _export(args))


async def _export(args: argparse.Namespace) -> int:
    from trunkwiz.domain.trunkfile import emit  # lazy: keeps --help light

    services, conn = await signin.sign_in_from_args(args)
    try:
        trunks, refs = await load_trunks(conn, args.name)
        routes = await load_routes(conn, trunks)
    finally:
        await services.close()
    if args.name is None:  # trunk names for shell completion
        remember_names(args, [t.name for t in trunks])
    text = emit(trunks, refs, routes)
    if args.output:
        try:
            _write(args.output, text)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise CliError(f"cannot write {visible(args.output)}: {reason}") from None
        common.say(f"Wrote {len(trunks)} trunk(s) to {args.output}.")
    else:
        print(text, end="", flush=True)
    return EXIT_OK


async def load_trunks(conn: Connection, name: str | None) -> tuple[list[AnyTrunk], dict[str, str]]:
    """The trunks (all, or the one named) as models, and tenant id -> reference."""
    from pydantic import ValidationError  # lazy: keeps --help light

    if name is None:
        items = await conn.trunk_summaries()
    else:
        items = (await conn.trunk_lookup()).matching(name)
        if not items:
            raise CliError(f"no trunk named {name!r} on {conn.url}", EXIT_INPUT)
    tenants = await conn.tenant_items() if conn.session.is_system_admin else []
    names = {t.id: t.label for t in tenants}
    refs = {t.id: _reference(t, tenants) for t in tenants}
    gate = asyncio.Semaphore(8)

    async def one(item: TrunkSummary) -> AnyTrunk | None:
        async with gate:
            try:
                return await conn.trunk_model(item.id, names)
            except ValidationError as exc:
                common.say(f"Skipped trunk {item.name}: the PBX's data breaks a rule ({exc})")
            except ValueError as exc:
                common.say(f"Skipped trunk {item.name}: {exc}")
        return None

    found = await asyncio.gather(*(one(item) for item in items))
    trunks = sorted((t for t in found if t is not None), key=lambda t: t.name.casefold())
    return trunks, refs


async def load_routes(
    conn: Connection, trunks: list[AnyTrunk]
) -> list[dict[str | None, TenantRoutes]]:
    """The rules that use each trunk, per tenant (in the order of ``trunks``)."""
    from trunkwiz.service.routes import export_routes  # lazy: keeps --help light

    lookup = await conn.trunk_lookup()
    wanted: dict[str, list[str | None]] = {}
    for trunk in trunks:
        pid = lookup.id_of(trunk.name)
        if pid is not None:
            tenants = [t.tenant_id for t in trunk.tenants] if conn.level == "system" else [None]
            wanted[pid] = list(tenants)
    found = await export_routes(conn, wanted)
    return [found.get(lookup.id_of(t.name) or "", {}) for t in trunks]


def _reference(tenant: Tenant, tenants: list[Tenant]) -> str:
    """How the file names a tenant: its SIP domain, else a unique name, else its id."""
    if tenant.domain:
        return tenant.domain
    name = tenant.name
    if name and sum(1 for t in tenants if t.name == name) == 1:
        return name
    return tenant.id


def _write(path: str, text: str) -> None:
    """Replace ``path`` with ``text`` atomically, never through a symbolic link.

    The file is meant to be shared and reviewed, so it gets the user's umask (not 0600).
    It is written to a new temporary file in the same directory (``O_EXCL|O_NOFOLLOW``),
    flushed to disk and renamed over ``path``: a reader sees the old file or the new one.
    A symbolic link, directory or other non-regular file at ``path`` is refused (exit 2),
    and a link planted there after that check is replaced by the file by the rename, never
    written through."""
    import secrets  # lazy: keeps --help light

    target = Path(path)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise CliError(
            f"{visible(path)} is a symbolic link; not followed (give the real path)", EXIT_INPUT
        )
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise CliError(f"{visible(path)} is not a regular file", EXIT_INPUT)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    while True:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, flags, 0o666)  # the umask decides, as for any new file
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
