# bash completion for daemonize(1). Installed to share/bash-completion/completions/daemonize.
# Keep the command and flag lists in step with `daemonize COMMAND --help` (tests/docs checks).

_daemonize() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null 2>&1; then
    _init_completion || return
  else
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
  fi

  local commands="init validate render deploy diff remove start stop restart reload run status list logs edit import"
  local targets="systemd launchd windows-service windows-task kubernetes cron all"
  local deploy_targets="auto systemd launchd"

  # The subcommand is the first word after the program that does not start with '-'.
  local command="" i
  for ((i = 1; i < cword; i++)); do
    if [[ ${words[i]} != -* ]]; then
      command=${words[i]}
      break
    fi
  done

  case $prev in
    -t | --target)
      if [[ $command == deploy || $command == diff ]]; then
        COMPREPLY=($(compgen -W "$deploy_targets" -- "$cur"))
      else
        COMPREPLY=($(compgen -W "$targets" -- "$cur"))
      fi
      return
      ;;
    --root)
      COMPREPLY=($(compgen -d -- "$cur"))
      return
      ;;
    --wait-timeout | --lines | --since)
      return
      ;;
    --from)
      COMPREPLY=($(compgen -W "systemd launchd nssm winsw supervisord pm2 procfile windows-service windows-task scm" -- "$cur"))
      return
      ;;
    -o | --output-dir)
      if [[ $command == init && $prev == -o ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
      else
        COMPREPLY=($(compgen -d -- "$cur"))
      fi
      return
      ;;
    --output | --pidfile | --daemonize-path | -c | --command)
      COMPREPLY=($(compgen -f -- "$cur"))
      return
      ;;
    -n | --name | -u | --user | -e | --env | --health-url)
      return
      ;;
  esac

  if [[ -z $command ]]; then
    COMPREPLY=($(compgen -W "$commands --version --help" -- "$cur"))
    return
  fi

  local flags
  case $command in
    init) flags="--name -n --command -c --user -u --env -e --health-url --output -o --force --help" ;;
    validate) flags="--target -t --json --quiet -q --help" ;;
    render) flags="--target -t --output-dir -o --daemonize-path --help" ;;
    deploy) flags="--target -t --dry-run --output-dir --root --no-start --no-wait --wait-timeout
      --json --quiet -q --daemonize-path --help" ;;
    diff) flags="--target -t --root --daemonize-path --json --help" ;;
    remove) flags="--purge --dry-run --root --quiet -q --help" ;;
    run) flags="--detach --pidfile --service --help" ;;
    status) flags="--json --help" ;;
    list) flags="--json --help" ;;
    logs) flags="--lines -n --follow -f --stdout --stderr --since --events --help" ;;
    edit) flags="--target -t --root --yes -y --help" ;;
    import) flags="--from --service --output-dir -o --json --strict --help" ;;
    *) flags="--help" ;;
  esac

  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi
  case $command in
    init | list | edit) ;;
    import)
      # Units, registry exports, WinSW XML, supervisord configurations, Procfiles: any file.
      COMPREPLY=($(compgen -f -- "$cur"))
      ;;
    status | remove | start | stop | restart | reload)
      # A manifest (status: also a state.json) or a service name: offer files.
      COMPREPLY=($(compgen -f -X '!*.toml' -- "$cur") $(compgen -f -X '!*.json' -- "$cur")
        $(compgen -d -- "$cur"))
      ;;
    *)
      COMPREPLY=($(compgen -f -X '!*.toml' -- "$cur") $(compgen -d -- "$cur"))
      ;;
  esac
}

complete -o filenames -F _daemonize daemonize
