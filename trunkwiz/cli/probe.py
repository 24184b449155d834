"""``trunkwiz probe NAME|FILE``: the SIP pre-flight probe from this host.

NAME is a trunk on the PBX (its settings are read from the PBX; its password, which the
PBX never returns, comes from stdin, the keyring or a prompt). FILE is a trunk file: every
trunk in it is probed; the PBX is read only to check that a stored password goes to the
host the PBX holds for that trunk. Register trunks are probed with
OPTIONS then REGISTER (and an un-REGISTER); IP and Accept-Register trunks, trunks with
registration off, and ``--no-register`` probe with OPTIONS only.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trunkwiz.cli import common, passwords, signin
from trunkwiz.cli.common import EXIT_FAILURE, EXIT_INPUT, EXIT_OK, CliError
from trunkwiz.cli.target import Target, resolve_target
from trunkwiz.domain.text import visible

if TYPE_CHECKING:
    from pydantic import SecretStr

    from trunkwiz.domain.trunkfile import AnyTrunk
    from trunkwiz.service.connection import Connection
    from trunkwiz.service.services import Services

EPILOG = f"""\
{passwords.STDIN_FORMAT}
With FILE and one trunk, a single line is that trunk's SIP password. A password stored
in the keyring is used for a file's trunk only when the PBX holds the same host for the
trunk of that name (probe signs in to check; on a terminal it asks instead); else pipe
the password with --password-stdin. OPTIONS and REGISTER are rate-limited per carrier
host across every trunkwiz of this user (one probe per host every 5 s).

exit status: 0 every probe succeeded, 1 a probe failed (the diagnosis says why) or the
PBX could not be read, 2 bad input (bad file, unknown trunk, missing password)

examples:
  trunkwiz probe "Acme SIP"
  printf 'Acme SIP\\t%s\\n' "$SIP_PW" | trunkwiz probe trunks.toml --password-stdin --json
  trunkwiz probe trunks.toml --no-register
"""


DESCRIPTION = (
    "Probe a trunk's carrier from this host: DNS, OPTIONS, REGISTER with "
    "digest, un-REGISTER; explains failures in plain words."
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz probe``."""
    p.add_argument("target", metavar="NAME|FILE", help="a trunk on the PBX, or a trunk file")
    p.add_argument("--no-register", action="store_true", help="OPTIONS only, no REGISTER")
    p.add_argument(
        "--timeout", type=float, default=8.0, metavar="S", help="seconds per trunk (default 8)"
    )
    common.add_password_stdin(p)
    common.add_output_options(p)


def run(args: argparse.Namespace) -> int:
    """Exit 0 all probes ok, 1 a probe or the PBX failed, 2 bad input."""
    if not 0.5 <= args.timeout <= 120:
        common.say("trunkwiz probe: --timeout must be 0.5-120 seconds")
        return EXIT_INPUT
    path = Path(args.target)
    if path.is_file() or args.target.endswith(".toml"):
        return _from_file(args, path)
    return common.run_async(lambda: _from_pbx(args))


def _from_file(args: argparse.Namespace, path: Path) -> int:
    from trunkwiz.domain.trunkfile import TrunkFileError, parse  # lazy: keeps --help light

    try:
        tf = parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        common.say(f"trunkwiz probe: cannot read {path}: {exc}")
        return EXIT_INPUT
    except TrunkFileError as exc:
        for issue in exc.issues:
            common.say(issue.format(str(path)))
        return EXIT_INPUT

    async def main() -> int:
        given = passwords.read_stdin_secrets(args)
        if given.pbx is not None and len(tf.trunks) == 1 and not given.trunks:
            # One trunk, one bare line: that is the trunk's password, not the PBX's.
            given.trunks[tf.trunks[0].name] = given.pbx
            given.pbx = None
        target = resolve_target(args)
        held = _HeldHosts(args, target, given)
        try:
            return await _probe_all(args, tf.trunks, given, target, held.keyring, held)
        finally:
            await held.close()

    return common.run_async(main)


async def _from_pbx(args: argparse.Namespace) -> int:
    given = passwords.read_stdin_secrets(args)
    target = resolve_target(args)
    keyring = passwords.Keyring()
    password = passwords.pbx_password(target, given, keyring)
    services, conn = await signin.sign_in(args, target, password)
    try:
        trunk_id = await signin.find_trunk_id(conn, args.target)
        trunk = await conn.trunk_model(trunk_id)
    finally:
        await services.close()
    return await _probe_all(args, [trunk], given, target, keyring)


def _plan(args: argparse.Namespace, trunk: AnyTrunk) -> bool:
    """Whether to REGISTER for this trunk."""
    return (
        not args.no_register
        and trunk.trunk_kind.value == "register"
        and bool(getattr(trunk, "registration", False))
    )


def _host(name: object) -> str:
    return str(name or "").strip().rstrip(".").casefold()


class _HeldHosts:
    """The hosts the PBX holds for a trunk (hostname, outbound server), read on first use.

    A trunk file may name an existing trunk with another host; the stored password of that
    trunk is answered to a digest challenge only when the hosts match (or when the user
    confirms on a terminal), never to whatever host the file names.
    """

    def __init__(
        self, args: argparse.Namespace, target: Target, given: passwords.StdinSecrets
    ) -> None:
        self.args, self.target, self.given = args, target, given
        self.keyring = passwords.Keyring()
        self._services: Services | None = None
        self._conn: Connection | None = None
        self.problem = ""

    async def of(self, name: str) -> tuple[str, str] | None:
        """``(hostname, outbound server)`` on the PBX, or None (``problem`` says why)."""
        from trunkwiz.pbx.errors import PbxError  # lazy: keeps --help light

        try:
            conn = self._conn
            if conn is None:
                password = passwords.pbx_password(self.target, self.given, self.keyring)
                self._services, conn = await signin.sign_in(self.args, self.target, password)
                self._conn = conn
            trunk_id = await signin.find_trunk_id(conn, name)
            trunk = await conn.trunk_model(trunk_id)
        except (CliError, PbxError, OSError, ValueError) as exc:
            self.problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return None
        return _host(trunk.hostname), _host(getattr(trunk, "outbound_server", None))

    async def close(self) -> None:
        if self._services is not None:
            await self._services.close()


async def _stored_secret(trunk: AnyTrunk, held: _HeldHosts, key: str) -> SecretStr | None:
    """The keyring password of ``trunk`` when the PBX holds the host the file names (or
    the user confirms on a terminal); ``CliError`` (bad input) otherwise."""
    stored = held.keyring.get(key)
    if stored is None:
        return None
    wanted = (_host(trunk.hostname), _host(getattr(trunk, "outbound_server", None)))
    on_pbx = await held.of(trunk.name)
    if on_pbx == wanted:
        return stored
    where = (
        f"the PBX holds host {on_pbx[0]} for it"
        if on_pbx is not None
        else f"its host on the PBX cannot be checked ({held.problem})"
    )
    question = (
        f"The stored SIP password of trunk {trunk.name} is for the PBX's trunk; {where}, "
        f"but the file names {wanted[0]}."
    )
    if passwords.stdin_is_tty() and not getattr(held.args, "password_stdin", False):
        common.say(f"{question} Send it to {wanted[0]}? [y/N] ")
        answer = sys.stdin.readline().strip().casefold() if sys.stdin is not None else ""
        if answer in {"y", "yes"}:
            return stored
    raise CliError(
        f"{question} Not sent: give the password for this host with --password-stdin "
        f"('{trunk.name}<TAB>PASSWORD'), or probe the PBX's trunk by name",
        EXIT_INPUT,
    )


async def _probe_all(
    args: argparse.Namespace,
    trunks: list[AnyTrunk],
    given: passwords.StdinSecrets,
    target: Target,
    keyring: passwords.Keyring,
    held: _HeldHosts | None = None,
) -> int:
    from trunkwiz.sip.probe import ProbeTarget, probe  # lazy: keeps --help light
    from trunkwiz.sip.ratelimit import RateLimiter  # lazy: keeps --help light
    from trunkwiz.store.secrets import trunk_key  # lazy: keeps --help light

    jobs = []
    for trunk in trunks:
        register = _plan(args, trunk)
        secret = None
        if register:
            key = trunk_key(target.url, trunk.name)
            secret = given.trunk(trunk.name)
            if secret is None:  # a file's trunk: only for the host the PBX holds
                secret = (
                    keyring.get(key) if held is None else await _stored_secret(trunk, held, key)
                )
            secret = secret or passwords.prompt_hidden(f"SIP password of trunk {trunk.name}: ")
            if secret is None:
                raise CliError(
                    f"no SIP password for trunk {trunk.name!r}: pipe "
                    f"'{trunk.name}<TAB>PASSWORD' with --password-stdin, store it with "
                    f"`trunkwiz secret set trunk '{trunk.name}' --pbx {target.url}`, or use "
                    f"--no-register{keyring.note()}",
                    EXIT_INPUT,
                )
        jobs.append((trunk, register, ProbeTarget.from_trunk(trunk, secret)))
    results = []
    # Several trunks on one carrier host, or another trunkwiz probing it right now: OPTIONS
    # and REGISTER are spaced out per host, across processes (state in the config dir).
    limiter = RateLimiter(state=shared_state(args))
    for trunk, register, probe_target in jobs:
        result = await probe(probe_target, register=register, timeout=args.timeout, limiter=limiter)
        if result.retry_after:  # the same carrier host was just asked: wait our turn, once
            await asyncio.sleep(result.retry_after)
            result = await probe(
                probe_target, register=register, timeout=args.timeout, limiter=limiter
            )
        entry = {"name": trunk.name, "kind": trunk.trunk_kind.value, "register": register}
        entry.update(result.to_dict())
        results.append(entry)
        if not args.json:
            print(visible(_describe(entry), multiline=True), flush=True)
    if args.json:
        common.print_json(results)
    return EXIT_OK if all(r["ok"] for r in results) else EXIT_FAILURE


def shared_state(args: argparse.Namespace) -> Path | None:
    """The rate limiter's state file shared by every trunkwiz of this user (None if the
    config dir cannot be made: the limit is then per process)."""
    from trunkwiz.sip.ratelimit import STATE_FILE  # lazy: keeps --help light
    from trunkwiz.store.paths import config_dir, ensure_private_dir  # lazy: keeps --help light

    try:
        return ensure_private_dir(config_dir(getattr(args, "config", None))) / STATE_FILE
    except OSError:
        return None


def _describe(entry: dict[str, Any]) -> str:  # Any: a probe result's JSON (to_dict)
    entry = {k: visible(v) if isinstance(v, str) else v for k, v in entry.items()}
    entry["notes"] = [visible(note) for note in entry["notes"]]
    mode = "OPTIONS + REGISTER" if entry["register"] else "OPTIONS only"
    lines = [
        f"Trunk {entry['name']} ({entry['kind']}, {mode}) -> {entry['dialled']}: "
        f"{entry['outcome'].upper()}"
    ]
    if entry["status"] is not None:
        lines.append(f"  last answer: {entry['status']} {entry['reason']}".rstrip())
    if entry["realm"]:
        lines.append(f"  digest realm {entry['realm']}, {entry['algorithm'] or 'MD5'}")
    resolved = entry["resolved"]
    if resolved:
        lines.append(
            f"  reached {resolved['address']}:{resolved['port']} "
            f"{resolved['transport']} ({resolved['source']})"
        )
    lines.append(f"  {entry['diagnosis']}")
    lines += [f"  note: {note}" for note in entry["notes"]]
    timings = ", ".join(f"{k} {v:g} ms" for k, v in entry["timings"].items())
    if timings:
        lines.append(f"  timings: {timings}")
    return "\n".join(lines)
