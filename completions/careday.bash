# bash completion for careday(1). Installed by `cmake --install` to
# share/bash-completion/completions/careday; or: source completions/careday.bash
_careday()
{
    local cur prev words cword
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local commands="plan check batch calendar gen"
    if [ "$cword" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi

    local cmd=${words[1]}
    case $prev in
    -o | --out)
        COMPREPLY=($(compgen -d -- "$cur"))
        return
        ;;
    --export-model)
        COMPREPLY=($(compgen -f -X '!*.mps' -- "$cur") $(compgen -d -- "$cur"))
        return
        ;;
    --previous)
        COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
        return
        ;;
    --lang)
        COMPREPLY=($(compgen -W "en es" -- "$cur"))
        return
        ;;
    --model)
        COMPREPLY=($(compgen -W "days time" -- "$cur"))
        return
        ;;
    --time-limit | --now | --seed | --families | --jobs)
        return
        ;;
    esac

    local opts
    case $cmd in
    plan)
        opts="-o --out --time-limit --model --export-model --lang --previous --now --invite
              --offline --json --quiet --help --"
        ;;
    check) opts="--json --offline --help --" ;;
    batch) opts="-o --out --time-limit --jobs --seed --json --quiet --components --component
                 --merge --help" ;;
    calendar)
        if [ "$cword" -eq 2 ]; then
            COMPREPLY=($(compgen -W "expand" -- "$cur"))
            return
        fi
        opts="--from --to --tz --json --help"
        ;;
    gen) opts="--families --seed -o --help" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    case $cmd in
    calendar) COMPREPLY=($(compgen -f -X '!*.ics' -- "$cur") $(compgen -d -- "$cur")) ;;
    *) COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur")) ;;
    esac
}
complete -o filenames -F _careday careday
