"""``trunkwiz probe NAME|FILE``: the SIP pre-flight probe from this host.

NAME is a trunk on the PBX (its settings are read from the PBX; its password, which the
PBX never returns, comes from stdin, the keyring or a prompt). FILE is a trunk file: every
trunk in it is probed without signing in to the PBX. Register trunks are probed with
OPTIONS then REGISTER (and an un-REGISTER); IP and Accept-Register trunks, trunks with
registration off, and ``--no-register`` probe with OPTIONS only.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from trunkwiz.cli import common
from trunkwiz.cli.common import EXIT_FAILURE, EXIT_INPUT, EXIT_OK, CliError
from trunkwiz.domain.text import visible

EPILOG = f"""\
{common.STDIN_FORMAT}
With FILE nothing signs in to the PBX, so only NAME<TAB>PASSWORD lines are used.

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
    from trunkwiz.domain.trunkfile import TrunkFileError, parse

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
        given = common.read_stdin_secrets(args)
        if given.pbx is not None:
            common.say("Note: probe FILE does not sign in; the PBX password line is ignored.")
        target = common.resolve_target(args)
        return await _probe_all(args, tf.trunks, given, target, common.Keyring())

    return common.run_async(main)


async def _from_pbx(args: argparse.Namespace) -> int:
    given = common.read_stdin_secrets(args)
    target = common.resolve_target(args)
    keyring = common.Keyring()
    password = common.pbx_password(target, given, keyring)
    services, conn = await common.sign_in(args, target, password)
    try:
        trunk_id = await common.find_trunk_id(conn, args.target)
        from trunkwiz.domain.fromapi import trunk_from_api

        detail, assignees = await common.read_trunk(conn, trunk_id)
        trunk = trunk_from_api(detail, assignees, {})
    finally:
        await services.close()
    return await _probe_all(args, [trunk], given, target, keyring)


def _plan(args: argparse.Namespace, trunk: Any) -> bool:
    """Whether to REGISTER for this trunk."""
    return (
        not args.no_register
        and trunk.trunk_kind.value == "register"
        and bool(getattr(trunk, "registration", False))
    )


async def _probe_all(
    args: argparse.Namespace,
    trunks: list[Any],
    given: common.StdinSecrets,
    target: common.Target,
    keyring: common.Keyring,
) -> int:
    from trunkwiz.sip.probe import ProbeTarget, probe
    from trunkwiz.sip.ratelimit import RateLimiter
    from trunkwiz.store.secrets import trunk_key

    jobs = []
    for trunk in trunks:
        register = _plan(args, trunk)
        secret = None
        if register:
            secret = given.trunk(trunk.name) or keyring.get(trunk_key(target.url, trunk.name))
            secret = secret or common.prompt_hidden(f"SIP password of trunk {trunk.name}: ")
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
    limiter = RateLimiter()  # several trunks on one carrier host: REGISTERs spaced out
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


def _describe(entry: dict[str, Any]) -> str:
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
