"""``trunkwiz completion bash|zsh``: a shell completion script made from the argparse
definitions (commands, options, choices, files), with trunk names from the last listing.

Trunk names are written by a Tenant Admin, so to the shell they are hostile data. The
scripts never hand a name (or anything else offered) to ``eval``, ``compgen -W`` or a
command substitution. Bash reads the line up to the cursor (``COMP_LINE``) with a small
scanner that takes the quotes off and expands nothing, matches every candidate against
that literal prefix (``[[ $w == "$cur"* ]]``) and offers it quoted with ``printf %q`` (or
inside the quote the user opened). A character that cannot be shown (a newline, ESC) is
written alone as ``$'\\n'``, ``$'\\E'``, so listings show escapes, never raw control
sequences, and names sharing a beginning keep a plain common prefix; the scanner decodes
``$'...'`` with ``printf`` (``%`` doubled: nothing but escapes is decoded), so TAB goes
on after such a prefix. Readline's word-break characters (``:``, ``=``) are honoured by
offering only the part readline replaces. zsh gets a native ``compsys`` function:
words come from ``words`` with the ``(Q)`` flag (quotes off, nothing expanded) and names
go to ``compadd``, which quotes them itself. A word holding any other ``$`` or a
backtick gets no completion at all (its value is not known without running something).

Why generated here and not with ``shtab`` or ``argcomplete``: ``argcomplete`` runs
Python on every TAB (starting Python, importing trunkwiz and building the parser takes
0.5-0.6 s on this project's 2-core build host); ``shtab`` writes static scripts too, but
reads a custom completion's output line by line and filters it through ``compgen -W``
(a name holding a newline cannot be one word, and ``compgen -W`` expands what it is
given), and its zsh output puts actions into ``_arguments`` specs that zsh evaluates, so
the part that matters, the names, would be hand-written anyway, plus a new dependency.
The scripts here are static: a TAB press costs only the shell function (measured in bash
under 1 ms with 30 trunk names, 20-50 ms with the 2,000 kept at most; zsh's reading of
2,000 names about 13 ms), and printing the script costs one ``trunkwiz`` start (about
0.25 s, once per shell start-up).

``status`` and ``export`` (of all trunks) remember the trunk names in
``<config dir>/completion-names`` (mode 0600; names only, never a secret), written
atomically (a fresh ``O_EXCL`` temporary file renamed over it, so a link planted there is
replaced, never followed). The format carries any name exactly: NUL-terminated UTF-8
records, the first :data:`HEADER`, then the names, the last :data:`TRAILER` (bash reads
it with ``mapfile -d ''``, zsh splits ``$(<file)`` with ``(0)``). A file of any other
shape (the older newline-separated one, a cut one, too many records, a link, not a
regular file) gives no trunk names and no message.
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
(kept in <config dir>/completion-names, names only). They are offered quoted for the
shell, as data: a name is never run or expanded.

examples:
  eval "$(trunkwiz completion bash)"          # in ~/.bashrc
  eval "$(trunkwiz completion zsh)"           # in ~/.zshrc
  trunkwiz completion bash > /etc/bash_completion.d/trunkwiz
"""

NAMES_FILE = "completion-names"
HEADER = "trunkwiz-completion-names/1"
TRAILER = "trunkwiz-completion-names/end"
MAX_NAMES = 2000
MAX_NAME_CHARS = 200
_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")  # commands and choices, as generated
_FLAG = re.compile(r"^--?[A-Za-z0-9][A-Za-z0-9-]*$")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options and arguments of ``trunkwiz completion``."""
    p.add_argument("shell", choices=("bash", "zsh"), help="the shell to complete in")


def run(args: argparse.Namespace) -> int:
    """Print the script; exit 0."""
    print(zsh_script() if args.shell == "zsh" else bash_script(), end="")
    return 0


# -- the names file ---------------------------------------------------------------------
def encode_names(names: list[str]) -> bytes:
    """The file's bytes for ``names``: every name as given (spaces, quotes, newlines and
    all), sorted, once; names that are empty, longer than :data:`MAX_NAME_CHARS`, hold a
    NUL (no shell word can) or cannot be written as UTF-8 are left out."""
    kept: set[str] = set()
    for name in names:
        if not name or "\x00" in name or len(name) > MAX_NAME_CHARS:
            continue
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            continue
        kept.add(name)
    records = [HEADER, *sorted(kept)[:MAX_NAMES], TRAILER]
    return b"".join(r.encode("utf-8") + b"\x00" for r in records)


def decode_names(data: bytes) -> list[str] | None:
    """The names in a file's bytes, or None when it is not of :func:`encode_names`' shape.
    The scripts check the same header, trailer and number of records (bash's ``mapfile``
    cannot tell a missing final NUL, and neither shell checks UTF-8)."""
    if not data.endswith(b"\x00"):
        return None
    records = data[:-1].split(b"\x00")
    if len(records) < 2 or len(records) > MAX_NAMES + 2:
        return None
    if records[0] != HEADER.encode() or records[-1] != TRAILER.encode():
        return None
    try:
        return [r.decode("utf-8") for r in records[1:-1]]
    except UnicodeDecodeError:
        return None


def remember_names(args: argparse.Namespace, names: list[str]) -> None:
    """Keep the trunk names of a full listing for completion (best effort, never fails)."""
    try:
        from trunkwiz.store.paths import config_dir, ensure_private_dir, resolved_root

        folder = ensure_private_dir(resolved_root(config_dir(getattr(args, "config", None))))
        data = encode_names(names)
        path = folder / NAMES_FILE
        tmp = folder / f".{NAMES_FILE}.{os.getpid()}.{os.urandom(6).hex()}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(tmp, flags, 0o600)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)  # replaces a link planted at path, never follows it
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except (OSError, ValueError):
        pass


def names_file(config: str | Path | None = None) -> Path:
    """Where the trunk names for completion are kept."""
    from trunkwiz.store.paths import config_dir

    return config_dir(config) / NAMES_FILE


# -- what the scripts are made of -------------------------------------------------------
def _kind(action: argparse.Action) -> str:
    """How a value is completed: ``files``, ``dirs``, ``names``, ``words:...`` or ``-``."""
    metavar = str(action.metavar or action.dest or "").upper()
    if action.choices:
        words = [str(c) for c in action.choices]
        for word in words:
            if not _WORD.match(word):
                raise ValueError(f"choice {word!r} cannot go into a completion script")
        return "words:" + " ".join(words)
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
        for flag in action.option_strings:
            if not _FLAG.match(flag):
                raise ValueError(f"option {flag!r} cannot go into a completion script")
        flags += [o for o in action.option_strings if o.startswith("--") or len(o) == 2]
        if action.option_strings and action.nargs != 0:
            for flag in action.option_strings:
                values[flag] = _kind(action)
    return flags, values


class _Shape:
    """The parser as the scripts need it: commands, options, what each value is."""

    def __init__(self) -> None:
        from trunkwiz.cli import build_parser

        parser = build_parser()
        self.top, self.values = _options(parser)
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        self.commands: dict[str, tuple[list[str], list[str]]] = {}
        for name, command in sub.choices.items():
            if not _WORD.match(name):
                raise ValueError(f"command {name!r} cannot go into a completion script")
            flags, more = _options(command)
            self.values.update(more)
            kinds = [
                _kind(a)
                for a in command._actions
                if not a.option_strings and a.help != argparse.SUPPRESS
            ]
            self.commands[name] = (sorted(set(flags)), kinds)

    def words(self, items: list[str]) -> str:
        return " ".join(shlex.quote(i) for i in items)

    def fill(self, template: str, value_case: str, command_case: str) -> str:
        """``template`` with its ``@NAME@`` places filled in (the shell code keeps its
        braces and dollars as they are)."""
        parts = {
            "COMMANDS": self.words(list(self.commands)),
            "TOP": self.words(self.top),
            "TAKES_VALUE": "|".join(sorted(self.values)),
            "VALUE_CASES": "\n".join(
                value_case.replace("@FLAG@", flag).replace("@KIND@", shlex.quote(kind))
                for flag, kind in sorted(self.values.items())
            ),
            "COMMAND_CASES": "\n".join(
                command_case.replace("@NAME@", name)
                .replace("@FLAGS@", self.words(flags))
                .replace("@KINDS@", self.words(kinds))
                for name, (flags, kinds) in self.commands.items()
            ),
            "NAMES_FILE": NAMES_FILE,
            "HEADER": HEADER,
            "TRAILER": TRAILER,
            "MAX_RECORDS": str(MAX_NAMES + 2),
        }
        return re.sub(r"@([A-Z_]+)@", lambda m: parts[m.group(1)], template)


def bash_script() -> str:
    """The bash completion function ``_trunkwiz`` built from the full parser."""
    return _Shape().fill(
        BASH,
        "        @FLAG@) _trunkwiz_value @KIND@; return 0 ;;",
        "        @NAME@) flags=(@FLAGS@); kinds=(@KINDS@) ;;",
    )


def zsh_script() -> str:
    """The native zsh completion function ``_trunkwiz`` built from the full parser."""
    return _Shape().fill(
        ZSH,
        '        @FLAG@) _trunkwiz_value @KIND@ "$dir"; return ;;',
        "        @NAME@) flags=(@FLAGS@); kinds=(@KINDS@) ;;",
    )


BASH = r"""# trunkwiz completion for bash: eval "$(trunkwiz completion bash)"
# Made from trunkwiz's option definitions. Every word offered (trunk names above all) is
# data: matched against the literal word typed so far and quoted for the shell; nothing
# here evaluates, expands or runs a word.
_trunkwiz_split() {
    # $1, the line up to the cursor, taken apart as the shell would but expanding nothing:
    # _tw_words (each word's text without its quotes; $'...' decoded), _tw_dyn (1 for a
    # word holding $ or a backtick: its value is not known without running something),
    # _tw_raw (the last word as typed) and _tw_quote (the quote still open at its end:
    # ', ", $' or nothing).
    local s=$1 c q="" word="" raw="" ansi="" dyn=0 inword=0 i
    _tw_words=() _tw_dyn=() _tw_raw="" _tw_quote=""
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        if [[ -z $q ]]; then
            case $c in
                [[:blank:]] | $'\n')
                    if ((inword)); then _tw_words+=("$word") _tw_dyn+=("$dyn"); fi
                    word="" raw="" dyn=0 inword=0
                    continue ;;
                "'" | '"') q=$c ;;
                '\') raw+=$c; ((++i)); c=${s:i:1}; [[ $c == $'\n' ]] || word+=$c ;;
                '$')
                    if [[ ${s:i+1:1} == "'" ]]; then
                        q="\$'" ansi=""; raw+=$c; ((++i)); c="'"
                    else
                        dyn=1; word+=$c
                    fi ;;
                '`') dyn=1; word+=$c ;;
                *) word+=$c ;;
            esac
        elif [[ $q == "'" ]]; then
            if [[ $c == "'" ]]; then q=""; else word+=$c; fi
        elif [[ $q == '"' ]]; then
            case $c in
                '"') q="" ;;
                '$' | '`') dyn=1; word+=$c ;;
                '\')
                    raw+=$c; ((++i)); c=${s:i:1}
                    case $c in
                        '"' | '\' | '$' | '`') word+=$c ;;
                        $'\n') ;;
                        *) word+="\\$c" ;;
                    esac ;;
                *) word+=$c ;;
            esac
        else  # inside $'...': its escapes are decoded when it closes
            case $c in
                "'") _trunkwiz_ansi "$ansi"; word+=$REPLY q="" ;;
                '\') raw+=$c; ((++i)); c=${s:i:1}; ansi+="\\$c" ;;
                *) ansi+=$c ;;
            esac
        fi
        raw+=$c inword=1
    done
    if [[ $q == "\$'" ]]; then
        _trunkwiz_ansi "${ansi%\\}"
        word+=$REPLY
    fi
    _tw_words+=("$word") _tw_dyn+=("$dyn") _tw_raw=$raw _tw_quote=$q
}
_trunkwiz_ansi() {
    # REPLY: the text of the inside of $'...' ($1): printf decodes its backslash escapes
    # (its only conversion, %, is doubled away); nothing is expanded or run.
    REPLY=""
    printf -v REPLY -- "${1//'%'/'%%'}" 2>/dev/null
}
_trunkwiz_quote() {
    # REPLY: $1 quoted for the shell with printf %q; in a word holding a character that
    # cannot be shown, each such character alone as $'\...', so the text around stays
    # readable and a shared beginning stays a plain prefix.
    local c x i
    if [[ $1 != *[![:print:]]* ]]; then
        printf -v REPLY %q "$1"
        return
    fi
    REPLY=""
    for ((i = 0; i < ${#1}; i++)); do
        c=${1:i:1}
        printf -v x %q "$c"
        REPLY+=$x
    done
}
_trunkwiz_offer() {
    # Offer each argument that begins with the word typed so far, quoted for the shell:
    # with _trunkwiz_quote, or inside the quote the word opened (a name with a character
    # that cannot be shown only with _trunkwiz_quote, which writes it as an escape).
    local w q bs='\' sq="'" dq='"'
    for w; do
        [[ -n $w && $w == "$_tw_cur"* ]] || continue
        case $_tw_quote in
            "'")
                [[ $w == *[![:print:]]* ]] && continue
                q="'${w//"$sq"/"$sq$bs$sq$sq"}" ;;
            '"')
                [[ $w == *[![:print:]]* ]] && continue
                q=${w//"$bs"/"$bs$bs"}; q=${q//"$dq"/"$bs$dq"}
                q=${q//'$'/"$bs\$"}; q=${q//'`'/"$bs\`"}; q="$dq${q//'!'/"$dq'!'$dq"}" ;;
            "")
                _trunkwiz_quote "$w"
                q=$REPLY ;;
            *) continue ;;  # inside $'...': type on, or take it back to before the $
        esac
        [[ $q == "$_tw_keep"* ]] && COMPREPLY+=("${q:${#_tw_keep}}")
    done
}
_trunkwiz_names() {
    # The trunk names kept in "$1"/@NAMES_FILE@ (NUL-terminated records between a header and
    # a trailer); a file of any other shape gives none, and no message.
    local file=$1/@NAMES_FILE@ n
    local -a recs=()
    [[ -n $1 && -f $file && ! -L $file && -r $file ]] || return 0
    mapfile -t -d '' -n @MAX_RECORDS@ recs 2>/dev/null <"$file" || return 0
    n=${#recs[@]}
    ((n >= 2)) && [[ ${recs[0]} == "@HEADER@" && ${recs[n-1]} == "@TRAILER@" ]] || return 0
    _trunkwiz_offer "${recs[@]:1:n-2}"
}
_trunkwiz_files() {
    # Files (directories with -d) by bash's own file completion, which quotes what it adds.
    [[ $_tw_cur == *['$`']* ]] && return 0
    local f
    compopt -o filenames 2>/dev/null
    while IFS= read -r f; do COMPREPLY+=("$f"); done < <(compgen "${1:--f}" -- "$_tw_cur")
}
_trunkwiz_value() {
    local -a words=()
    local f IFS=$' \t\n'
    case $1 in
        files) _trunkwiz_files -f ;;
        dirs) _trunkwiz_files -d ;;
        names) _trunkwiz_names "$_tw_dir" ;;
        names+files)
            _trunkwiz_names "$_tw_dir"
            [[ $_tw_cur == *['$`']* ]] && return 0
            while IFS= read -r f; do words+=("$f"); done < <(compgen -f -- "$_tw_cur")
            _trunkwiz_offer "${words[@]}" ;;
        words:*) read -ra words <<<"${1#words:}"; _trunkwiz_offer "${words[@]}" ;;
    esac
}
_trunkwiz() {
    local _tw_cur _tw_raw _tw_quote _tw_keep _tw_dir word prev="" cmd="" after="" REPLY
    local -a _tw_words _tw_dyn flags=() kinds=()
    local text=${2-} last i n=0
    COMPREPLY=()
    _trunkwiz_split "${COMP_LINE:0:COMP_POINT}"
    last=$((${#_tw_words[@]} - 1))
    ((last >= 1 && _tw_dyn[last] == 0)) || return 0
    _tw_cur=${_tw_words[last]} prev=${_tw_words[last-1]}
    [[ $_tw_raw == *"$text" ]] || return 0
    _tw_keep=${_tw_raw:0:${#_tw_raw}-${#text}}  # what readline keeps of the word
    _tw_dir=${TRUNKWIZ_CONFIG_DIR:-${XDG_CONFIG_HOME:-$HOME/.config}/trunkwiz}
    for ((i = 1; i < last; i++)); do
        word=${_tw_words[i]}
        case $word in
            --config)
                if ((i + 1 < last)); then
                    _tw_dir=${_tw_words[i+1]}
                    ((_tw_dyn[i+1])) && _tw_dir=""
                fi
                ((++i)) ;;
            --config=*) _tw_dir=${word#--config=}; ((_tw_dyn[i])) && _tw_dir="" ;;
            @TAKES_VALUE@) ((++i)) ;;
            -*) ;;
            *) if [[ -z $cmd ]]; then cmd=$word; else ((++n)); after=$word; fi ;;
        esac
    done
    [[ $_tw_dir == "~" || $_tw_dir == "~/"* ]] && _tw_dir=$HOME${_tw_dir:1}
    case $prev in
@VALUE_CASES@
    esac
    if [[ -z $cmd ]]; then
        _trunkwiz_offer @COMMANDS@ @TOP@
        return 0
    fi
    case $cmd in
@COMMAND_CASES@
        *) return 0 ;;
    esac
    if [[ $_tw_cur == -* ]]; then
        _trunkwiz_offer "${flags[@]}"
        return 0
    fi
    [[ $cmd == secret && $after == pbx ]] && return 0  # a PBX admin user, not a trunk
    _trunkwiz_value "${kinds[n]:--}"
    return 0
}
complete -F _trunkwiz trunkwiz
"""

ZSH = r"""# trunkwiz completion for zsh: eval "$(trunkwiz completion zsh)" in ~/.zshrc
# Made from trunkwiz's option definitions. Every word offered (trunk names above all) is
# data handed to compadd, which quotes it; nothing here evaluates, expands or runs a word.
(( $+functions[compdef] )) || { autoload -Uz compinit && compinit -i; }
_trunkwiz_names() {
    # The trunk names kept in "$1"/@NAMES_FILE@ (NUL-terminated records between a header and
    # a trailer); a file of any other shape gives none, and no message.
    emulate -L zsh
    local file=$1/@NAMES_FILE@ data
    local -a recs names
    [[ -n $1 && -f $file && ! -L $file && -r $file ]] || return 0
    data=$(<$file) 2>/dev/null || return 0  # read by zsh itself, nothing run
    recs=("${(@0)data}")  # split at NUL; the final NUL leaves an empty last element
    (( $#recs >= 3 && $#recs <= @MAX_RECORDS@ + 1 )) || return 0
    [[ -z $recs[-1] && $recs[1] == "@HEADER@" && $recs[-2] == "@TRAILER@" ]] || return 0
    names=("${(@)recs[2,-3]}")
    names=("${(@)names:#}")
    (( $#names )) && compadd -- "${(@)names}"
}
_trunkwiz_value() {
    emulate -L zsh
    local IFS=$' \t\n'
    case $1 in
        files) _files ;;
        dirs) _files -/ ;;
        names) _trunkwiz_names "$2" ;;
        names+files) _trunkwiz_names "$2"; _files ;;
        words:*) compadd -- ${=${1#words:}} ;;
    esac
}
_trunkwiz() {
    # The words before the cursor with their quotes taken off ((Q): nothing is expanded).
    emulate -L zsh
    local -a w flags kinds
    w=("${(@Q)words[1,CURRENT-1]}")
    local dir=${TRUNKWIZ_CONFIG_DIR:-${XDG_CONFIG_HOME:-$HOME/.config}/trunkwiz}
    local cmd="" after="" prev=$w[-1] i n=0
    for ((i = 2; i <= $#w; i++)); do
        case $w[i] in
            --config) (( i < $#w )) && dir=$w[i+1]; (( ++i )) ;;
            --config=*) dir=${w[i]#--config=} ;;
            @TAKES_VALUE@) (( ++i )) ;;
            -*) ;;
            *) if [[ -z $cmd ]]; then cmd=$w[i]; else (( ++n )); after=$w[i]; fi ;;
        esac
    done
    [[ $dir == '~' || $dir == '~/'* ]] && dir=$HOME${dir#\~}
    [[ $dir == *['$`']* ]] && dir=""  # its value is not known without running something
    case $prev in
@VALUE_CASES@
    esac
    if [[ -z $cmd ]]; then
        compadd -- @COMMANDS@ @TOP@
        return
    fi
    case $cmd in
@COMMAND_CASES@
        *) return ;;
    esac
    if [[ $PREFIX == -* ]]; then
        compadd -- "${(@)flags}"
        return
    fi
    [[ $cmd == secret && $after == pbx ]] && return  # a PBX admin user, not a trunk
    _trunkwiz_value "${kinds[n+1]:--}" "$dir"
}
compdef _trunkwiz trunkwiz
"""
