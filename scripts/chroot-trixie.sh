#!/usr/bin/env bash
# A minimal Debian 13 (trixie) root for the install test (tests/integration/
# test_install_trixie.py): debootstrap's minbase plus python3, python3-venv and Debian's
# pipx; no desktop, no D-Bus. Made once from the Debian mirror this machine's apt already
# uses and kept in $TRUNKWIZ_CHROOT (default /var/cache/trunkwiz/chroot-trixie); it is made
# again when its recipe (below) changes. Prints the directory. Needs root and debootstrap.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

DIR=${TRUNKWIZ_CHROOT:-/var/cache/trunkwiz/chroot-trixie}
PACKAGES=python3,python3-venv,pipx,ca-certificates
RECIPE="debian trixie minbase +$PACKAGES recipe=2"
STAMP=.trunkwiz-chroot

if [ "$(id -u)" != 0 ]; then
    echo "chroot-trixie: needs root (debootstrap, chroot)" >&2
    exit 2
fi
command -v debootstrap >/dev/null 2>&1 || {
    echo "chroot-trixie: debootstrap is not installed (apt-get install debootstrap)" >&2
    exit 2
}

mkdir -p "$(dirname "$DIR")"
exec 9>"$DIR.lock"
flock 9

if [ -f "$DIR/$STAMP" ] && [ "$(cat "$DIR/$STAMP")" = "$RECIPE" ]; then
    echo "$DIR"
    exit 0
fi

# The Debian archive apt uses here (not the security one), from sources.list or deb822.
mirror=$(
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
        2>/dev/null | grep -v '^[[:space:]]*#' | grep -oE 'https?://[^[:space:]]+/debian/?([[:space:]]|$)' |
        head -n 1 | tr -d '[:space:]' || true
)
mirror=${mirror:-http://deb.debian.org/debian}

work=$(mktemp -d "$DIR.new.XXXXXX")
cleanup() {
    # debootstrap mounts proc/sys in the target while it works: never remove through a mount.
    findmnt -rn -o TARGET | grep -F "$work/" | sort -r | while read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m" || true
    done
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT

echo "chroot-trixie: debootstrap trixie from $mirror into $DIR (once)" >&2
debootstrap --variant=minbase --include="$PACKAGES" trixie "$work" "$mirror" \
    >"$work.log" 2>&1 || {
    tail -n 30 "$work.log" >&2
    rm -f "$work.log"
    exit 1
}
rm -f "$work.log"
chroot "$work" apt-get clean
# debootstrap copies this machine's /etc/hosts and resolv.conf in; a minimal root has
# neither (the test copies resolv.conf in for pip, and nothing may rely on /etc/hosts).
rm -f "$work/etc/hosts" "$work/etc/resolv.conf"
echo "$RECIPE" >"$work/$STAMP"

if [ -e "$DIR" ]; then
    old=$(mktemp -d "$DIR.old.XXXXXX")
    mv "$DIR" "$old/"
    rm -rf --one-file-system "$old"
fi
mv "$work" "$DIR"
trap - EXIT
echo "$DIR"
