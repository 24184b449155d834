"""``trunkwiz completion bash|zsh``: a shell completion script made from the argparse
definitions (commands, options, choices, files), with trunk names from the last listing.

``status`` and ``export`` (of all trunks) remember the trunk names in
``<config dir>/completion-names`` (one per line, mode 0600; names only, never a secret);
the script reads that file when a trunk name is wanted. The zsh script is the bash one
loaded through zsh's ``bashcompinit``.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
from pathlib import Path

DESCRIPTION = "Print a completion script for bash or zsh (commands, options, trunk names)."

EPILOG = """\
Trunk names come from the last `trunkwiz status` or `trunkwiz export` of all trunks
(kept in <config dir>/completion-names, names only).

examples:
  eval "$(trunkwiz completion bash)"          # in ~/.bashrc
  eval "$(trunkwiz completion zsh)"           # in ~/.zshrc
  trunkwiz completion bash > /etc/bash_completion.d/trunkwiz
"""

NAMES_FILE = "completion-names"
MAX_NAMES = 2000
_SAFE = re.compile(r"^[^\x00-\x1f\x7f]{1,200}$")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz completion``."""
    p.add_argument("shell", choices=("bash", "zsh"), help="the shell to complete in")


def run(args: argparse.Namespace) -> int:
    """Print the script; exit 0."""
    script = bash_script()
    if args.shell == "zsh":
        script = ZSH_PRELUDE + script
    print(script, end="")
    return 0


def remember_names(args: argparse.Namespace, names: list[str]) -> None:
    """Keep the trunk names of a full listing for completion (best effort, never fails).

    Names with control characters are left out (the script prints them to the terminal).
    """
    try:
        from trunkwiz.store.paths import config_dir, ensure_private_dir

        folder = ensure_private_dir(config_dir(getattr(args, "config", None)))
        kept = sorted({n.strip() for n in names if _SAFE.match(n.strip() or "\x00")})
        path = folder / NAMES_FILE
        tmp = folder / f".{NAMES_FILE}.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("".join(f"{n}\n" for n in kept[:MAX_NAMES]))
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass


# -- the script -------------------------------------------------------------------------
def _kind(action: argparse.Action) -> str:
    """How a value is completed: ``files``, ``dirs``, ``names``, ``words:...`` or ``-``."""
    metavar = str(action.metavar or action.dest or "").upper()
    if action.choices:
        return "words:" + " ".join(str(c) for c in action.choices)
    if metavar == "DIR":
        return "dirs"
    if "FILE" in metavar or metavar in {"PEM", "PATH"}:
        return "files" if "NAME" not in metavar else "names+files"
    if metavar == "NAME" and not action.option_strings:
        return "names"
    return "-"


def _options(parser: argparse.ArgumentParser) -> tuple[list[str], dict[str, str]]:
    """All option strings, and those taking a value -> how that value is completed."""
    flags: list[str] = []
    values: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) or action.help == argparse.SUPPRESS:
            continue
        flags += [o for o in action.option_strings if o.startswith("--") or len(o) == 2]
        if action.option_strings and action.nargs != 0:
            for flag in action.option_strings:
                values[flag] = _kind(action)
    return flags, values


def bash_script() -> str:
    """The bash completion function ``_trunkwiz`` built from the full parser."""
    from trunkwiz.cli import build_parser

    parser = build_parser()
    top_flags, values = _options(parser)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands = list(sub.choices)
    cases: list[str] = []
    for name, command in sub.choices.items():
        flags, more = _options(command)
        values.update(more)
        positionals = [
            _kind(a)
            for a in command._actions
            if not a.option_strings and a.help != argparse.SUPPRESS
        ]
        cases.append(
            f"        {name}) flags={shlex.quote(' '.join(sorted(set(flags))))}; "
            f"kinds=({' '.join(shlex.quote(k) for k in positionals)}) ;;"
        )
    value_cases = "\n".join(
        f"        {flag}) _trunkwiz_value {shlex.quote(kind)}; return ;;"
        for flag, kind in sorted(values.items())
    )
    takes_value = "|".join(sorted(values))
    return BASH.format(
        commands=" ".join(commands),
        top=" ".join(top_flags),
        takes_value=takes_value,
        value_cases=value_cases,
        command_cases="\n".join(cases),
        names_file=NAMES_FILE,
    )


BASH = """\
# trunkwiz completion for bash: eval "$(trunkwiz completion bash)"
_trunkwiz_names() {{
    local dir="${{TRUNKWIZ_CONFIG_DIR:-${{XDG_CONFIG_HOME:-$HOME/.config}}/trunkwiz}}" w
    local i
    for ((i = 1; i < COMP_CWORD; i++)); do
        [[ "${{COMP_WORDS[i]}}" == --config ]] && dir="${{COMP_WORDS[i+1]}}"
    done
    [[ -r "$dir/{names_file}" ]] || return 0
    local IFS=$'\\n'
    for w in $(compgen -W "$(cat -- "$dir/{names_file}")" -- "$cur"); do
        COMPREPLY+=("$(printf '%q' "$w")")
    done
}}
_trunkwiz_value() {{
    local IFS=$'\\n'
    case "$1" in
        files) COMPREPLY+=($(compgen -f -- "$cur")) ;;
        dirs) COMPREPLY+=($(compgen -d -- "$cur")) ;;
        names) _trunkwiz_names ;;
        names+files) _trunkwiz_names; COMPREPLY+=($(compgen -f -- "$cur")) ;;
        words:*) local words="${{1#words:}}"
            COMPREPLY+=($(compgen -W "${{words// /$'\n'}}" -- "$cur")) ;;
    esac
}}
_trunkwiz() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    local cmd="" flags="" i n=0 last=""
    local -a kinds=()
    COMPREPLY=()
    case "$prev" in
{value_cases}
    esac
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${{COMP_WORDS[i]}}" in
            {takes_value}) ((i++)) ;;
            -*) ;;
            *)
                if [[ -z "$cmd" ]]; then
                    cmd="${{COMP_WORDS[i]}}"
                else
                    ((n++))
                    last="${{COMP_WORDS[i]}}"
                fi
                ;;
        esac
    done
    if [[ -z "$cmd" ]]; then
        COMPREPLY=($(compgen -W "{commands} {top}" -- "$cur"))
        return
    fi
    case "$cmd" in
{command_cases}
        *) return ;;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
        return
    fi
    local kind="${{kinds[n]:--}}"
    [[ "$cmd" == secret && "$last" == pbx ]] && return  # a PBX admin user, not a trunk
    _trunkwiz_value "$kind"
}}
complete -F _trunkwiz trunkwiz
"""

ZSH_PRELUDE = """\
# trunkwiz completion for zsh: eval "$(trunkwiz completion zsh)" (bash's, via bashcompinit)
(( $+functions[compdef] )) || {{ autoload -Uz compinit && compinit -u; }}
autoload -Uz bashcompinit && bashcompinit
""".replace("{{", "{").replace("}}", "}")


def names_file(config: str | Path | None = None) -> Path:
    """Where the trunk names for completion are kept."""
    from trunkwiz.store.paths import config_dir

    return config_dir(config) / NAMES_FILE
