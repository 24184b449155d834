#!/usr/bin/env bash
# Installs the system packages the real-peer tests need (kamailio, sipp, gnome-keyring,
# dbus, tmux, openssh-server, zsh, debootstrap: for a development machine, not a
# production PBX), when that is possible without asking: as root on Debian/Ubuntu.
# Elsewhere it says what is missing; those tests then skip with the reason (and fail the
# run under CI=true).
set -u
need=()
command -v kamailio >/dev/null 2>&1 || need+=(kamailio)
command -v sipp >/dev/null 2>&1 || need+=(sip-tester)
command -v gnome-keyring-daemon >/dev/null 2>&1 || need+=(gnome-keyring)
command -v dbus-run-session >/dev/null 2>&1 || need+=(dbus)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v zsh >/dev/null 2>&1 || need+=(zsh)
# The install test's Debian 13 root (tests/integration/test_install_trixie.py).
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || need+=(debootstrap)
ssh_was_there=1
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || { need+=(openssh-server); ssh_was_there=0; }
if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing ${need[*]} (test peers for a development machine, not a production PBX)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    # Debian's kamailio package may start a service on 5060; the tests run their own.
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet kamailio 2>/dev/null; then
        systemctl disable --now kamailio >/dev/null 2>&1 || true
    fi
    # Likewise openssh-server, when this script installed it: the test runs its own sshd
    # on 127.0.0.1; no new service listens on port 22.
    if [ "$ssh_was_there" = 0 ] && command -v systemctl >/dev/null 2>&1; then
        systemctl disable --now ssh >/dev/null 2>&1 || true
    fi
else
    echo "system-deps: not root on Debian; missing ${need[*]} (the tests that need them will skip)"
fi
exit 0
