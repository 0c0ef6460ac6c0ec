#!/usr/bin/env bash
# deploy --output-dir: the command block of INSTALL.md, exactly, for every target and for user
# scope (the commands a reader runs by hand must be the ones that work on that system).
# Usage: cli_install_md.sh DAEMONIZE EXAMPLES_DIR
set -uo pipefail
daemonize=${1:?daemonize binary}
examples=${2:?examples directory}
work=$(mktemp -d "${TMPDIR:-/tmp}/daemonize-install-md.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0

# check TARGET MANIFEST: INSTALL.md from the first ``` on must equal stdin.
check() {
  local target=$1 manifest=$2 out="$work/$1-$(basename "$2" .toml)"
  [[ "$manifest" == /* ]] || manifest="$examples/$manifest"
  HOME=/home/alice "$daemonize" deploy "$manifest" --target "$target" \
    --output-dir "$out" >"$work/log" 2>&1 || { cat "$work/log"; echo "FAIL: $target $manifest: deploy exited"; failures=$((failures + 1)); return; }
  if diff -u - <(sed -n '/^```/,$p' "$out/INSTALL.md") >"$work/diff"; then
    echo "PASS: $target $manifest"
  else
    cat "$work/diff"
    echo "FAIL: $target $manifest: INSTALL.md differs (- expected, + written)"
    failures=$((failures + 1))
  fi
}

check systemd web-api.toml <<'END'
```sh
sudo install -D -m 0755 "$(command -v daemonize)" /usr/local/bin/daemonize
sudo install -d -m 0750 /var/log/web-api
sudo install -D -m 0640 -o root -g root web-api.toml /etc/daemonize/web-api.toml
sudo install -D -m 0644 -o root -g root web-api.service /etc/systemd/system/web-api.service
sudo systemctl daemon-reload
sudo systemctl enable web-api.service
sudo systemctl start web-api.service
```

Check it:

```sh
systemctl show -p ActiveState,SubState,MainPID,NRestarts,ExecMainStatus web-api.service
daemonize status web-api
```
END

check systemd user-agent.toml <<'END'
```sh
install -D -m 0755 "$(command -v daemonize)" /home/alice/.local/bin/daemonize
install -D -m 0640 sync-agent.toml /home/alice/.config/daemonize/sync-agent.toml
install -D -m 0644 sync-agent.service /home/alice/.config/systemd/user/sync-agent.service
# keep sync-agent.service running after logout and start it at boot (once per user):
loginctl enable-linger "$USER"
systemctl --user daemon-reload
systemctl --user enable sync-agent.service
systemctl --user start sync-agent.service
```

Check it:

```sh
systemctl --user show -p ActiveState,SubState,MainPID,NRestarts,ExecMainStatus sync-agent.service
daemonize status sync-agent
```
END

check launchd web-api.toml <<'END'
```sh
sudo install -d -m 0755 /usr/local/bin
sudo install -m 0755 "$(command -v daemonize)" /usr/local/bin/daemonize
sudo install -d -m 0750 /Library/Logs/web-api
sudo install -d -m 0755 /usr/local/etc/daemonize
sudo install -m 0640 -o root -g wheel web-api.toml /usr/local/etc/daemonize/web-api.toml
sudo install -d -m 0755 /Library/LaunchDaemons
sudo install -m 0644 -o root -g wheel org.daemonize.web-api.plist /Library/LaunchDaemons/org.daemonize.web-api.plist
sudo launchctl bootstrap system /Library/LaunchDaemons/org.daemonize.web-api.plist
sudo launchctl enable system/org.daemonize.web-api
sudo launchctl kickstart system/org.daemonize.web-api
```

Check it:

```sh
sudo launchctl print system/org.daemonize.web-api
daemonize status web-api
```
END

check launchd user-agent.toml <<'END'
```sh
install -d -m 0755 /home/alice/.local/bin
install -m 0755 "$(command -v daemonize)" /home/alice/.local/bin/daemonize
install -d -m 0755 '/home/alice/Library/Application Support/daemonize'
install -m 0640 sync-agent.toml '/home/alice/Library/Application Support/daemonize/sync-agent.toml'
install -d -m 0755 /home/alice/Library/LaunchAgents
install -m 0644 org.daemonize.sync-agent.plist /home/alice/Library/LaunchAgents/org.daemonize.sync-agent.plist
launchctl bootstrap "gui/$(id -u)" /home/alice/Library/LaunchAgents/org.daemonize.sync-agent.plist
launchctl enable "gui/$(id -u)/org.daemonize.sync-agent"
launchctl kickstart "gui/$(id -u)/org.daemonize.sync-agent"
```

Check it:

```sh
launchctl print "gui/$(id -u)/org.daemonize.sync-agent"
daemonize status sync-agent
```
END

check cron web-api.toml <<'END'
```sh
sudo install -D -m 0755 "$(command -v daemonize)" /usr/local/bin/daemonize
sudo install -d -m 0750 /var/log/web-api
sudo install -D -m 0640 -o root -g root web-api.toml /etc/daemonize/web-api.toml
# replace the block of web-api in the crontab (root's) with web-api.crontab:
(sudo crontab -l 2>/dev/null | sed '/^# BEGIN daemonize web-api /,/^# END daemonize web-api$/d'; cat web-api.crontab) | sudo crontab -
# start it now (cron starts it at the next minute and at boot):
sudo /usr/local/bin/daemonize run /etc/daemonize/web-api.toml --detach
```

Check it:

```sh
sudo crontab -l
daemonize status web-api
```
END

check cron user-agent.toml <<'END'
```sh
install -D -m 0755 "$(command -v daemonize)" /home/alice/.local/bin/daemonize
install -D -m 0640 sync-agent.toml /home/alice/.config/daemonize/sync-agent.toml
# replace the block of sync-agent in the crontab (yours) with sync-agent.crontab:
(crontab -l 2>/dev/null | sed '/^# BEGIN daemonize sync-agent /,/^# END daemonize sync-agent$/d'; cat sync-agent.crontab) | crontab -
# start it now (cron starts it at the next minute and at boot):
/home/alice/.local/bin/daemonize run /home/alice/.config/daemonize/sync-agent.toml --detach
```

Check it:

```sh
crontab -l
daemonize status sync-agent
```
END

check windows-service windows-service.toml <<'END'
```bat
if not exist "C:\Program Files\daemonize" mkdir "C:\Program Files\daemonize"
copy /Y "daemonize.exe" "C:\Program Files\daemonize\daemonize.exe"
if not exist "C:\ProgramData\daemonize" mkdir "C:\ProgramData\daemonize"
copy /Y "payments.toml" "C:\ProgramData\daemonize\payments.toml"
install-payments.cmd
```

Check it:

```bat
sc.exe query payments
daemonize status payments
```
END

check windows-task windows-task.toml <<'END'
```bat
if not exist "C:\Program Files\daemonize" mkdir "C:\Program Files\daemonize"
copy /Y "daemonize.exe" "C:\Program Files\daemonize\daemonize.exe"
if not exist "C:\ProgramData\daemonize" mkdir "C:\ProgramData\daemonize"
copy /Y "nightly-indexer.toml" "C:\ProgramData\daemonize\nightly-indexer.toml"
copy /Y "daemonizew.exe" "C:\Program Files\daemonize\daemonizew.exe"
if not exist "C:\ProgramData\daemonize\tasks" mkdir "C:\ProgramData\daemonize\tasks"
copy /Y "nightly-indexer.xml" "C:\ProgramData\daemonize\tasks\nightly-indexer.xml"
install-nightly-indexer.cmd
```

Check it:

```bat
schtasks.exe /Query /TN nightly-indexer
daemonize status nightly-indexer
```
END

# A user's task written on Linux: the paths stay %LOCALAPPDATA% for Task Scheduler and cmd to
# expand on that machine (not this host's HOME), and no elevated prompt is asked for.
cat >"$work/usertask.toml" <<'TOML'
schema = 1
[service]
name = "usertask"
command = 'C:\apps\tool.exe'
scope = "user"
TOML
check windows-task "$work/usertask.toml" <<'END'
```bat
if not exist "%LOCALAPPDATA%\Programs\daemonize" mkdir "%LOCALAPPDATA%\Programs\daemonize"
copy /Y "daemonize.exe" "%LOCALAPPDATA%\Programs\daemonize\daemonize.exe"
if not exist "%LOCALAPPDATA%\daemonize" mkdir "%LOCALAPPDATA%\daemonize"
copy /Y "usertask.toml" "%LOCALAPPDATA%\daemonize\usertask.toml"
copy /Y "daemonizew.exe" "%LOCALAPPDATA%\Programs\daemonize\daemonizew.exe"
if not exist "%LOCALAPPDATA%\daemonize\tasks" mkdir "%LOCALAPPDATA%\daemonize\tasks"
copy /Y "usertask.xml" "%LOCALAPPDATA%\daemonize\tasks\usertask.xml"
install-usertask.cmd
```

Check it:

```bat
schtasks.exe /Query /TN usertask
daemonize status usertask
```
END
if grep -q "in a Command Prompt of the user the service is for" "$work/windows-task-usertask/INSTALL.md" &&
   iconv -f UTF-16 -t UTF-8 "$work/windows-task-usertask/usertask.xml" |
     grep -q '<Command>"%LOCALAPPDATA%\\Programs\\daemonize\\daemonizew.exe"</Command>'; then
  echo "PASS: the user's task asks for no elevation and runs %LOCALAPPDATA%'s daemonizew.exe"
else
  echo "FAIL: the user's task INSTALL.md or XML"; failures=$((failures + 1))
fi

# The crontab lines really merge: an old block of the service is replaced, other lines kept.
printf '%s\n' 'MAILTO=ops' '# BEGIN daemonize web-api (old marker)' '* * * * * old' \
  '# END daemonize web-api' '0 3 * * * backup' >"$work/crontab"
merge=$(sed -n '/^(sudo crontab -l/p' "$work/cron-web-api/INSTALL.md" |
  sed 's/sudo crontab -l 2>\/dev\/null/cat "$CRONTAB"/; s/ | sudo crontab -$//')
(cd "$work/cron-web-api" && CRONTAB=$work/crontab sh -c "$merge") >"$work/merged"
expected=$(printf '%s\n' 'MAILTO=ops' '0 3 * * * backup'; cat "$work/cron-web-api/web-api.crontab")
if [ "$(cat "$work/merged")" = "$expected" ]; then
  echo "PASS: the crontab merge of INSTALL.md replaces the old block and keeps the rest"
else
  diff -u <(echo "$expected") "$work/merged"
  echo "FAIL: the crontab merge of INSTALL.md"
  failures=$((failures + 1))
fi

[ "$failures" -eq 0 ] || exit 1
