"""The shell code of the completion scripts, with ``@NAME@`` places the parser's shape fills
in (:meth:`trunkwiz.cli.completion._Shape.fill`): ``BASH`` (a ``complete -F`` function) and
``ZSH`` (a native ``compsys`` function). See :mod:`trunkwiz.cli.completion` for why they
treat every word offered as data.
"""

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
