#!/usr/bin/env bash
# Installs garrison on this machine: a release build, the `garrison` system user, its directories with tight
# permissions, the example configuration (never overwriting an existing file) and the systemd units.
# It starts nothing: set up PostgreSQL (deploy/postgres/roles.sql), the PKI (deploy/pki-bootstrap.sh) and the
# configuration first, then `systemctl enable --now garrison-hub` (or garrison-node / garrison-national).
#
# Usage: sudo deploy/install.sh [--no-build] [--bin DIR] [--root DIR]
#   --no-build  use binaries already built (in .build/release unless --bin says where)
#   --bin DIR   where the built `garrison` and `garrisonctl` are
#   --root DIR  install under DIR instead of / (a staging tree: no user is created, systemd is not told)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=1
bin=""
root=""
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0 ;;
        --bin) bin="$2"; shift ;;
        --root) root="${2%/}"; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
    shift
done

if [ -z "$root" ] && [ "$(id -u)" != 0 ]; then
    echo "install.sh: run as root (it creates a system user and writes /etc, /var/lib, /usr/local/bin)" >&2
    exit 77
fi

if [ "$build" = 1 ]; then
    echo "==> release build (a first build takes several minutes)"
    swift build -c release --product garrison
    swift build -c release --product garrisonctl
fi
bin="${bin:-$(swift build -c release --show-bin-path)}"
for program in garrison garrisonctl; do
    [ -x "$bin/$program" ] || { echo "install.sh: $bin/$program is missing: build first or give --bin" >&2; exit 1; }
done

if [ -z "$root" ]; then
    if ! id garrison >/dev/null 2>&1; then
        echo "==> system user garrison"
        useradd --system --home-dir /var/lib/garrison --shell /usr/sbin/nologin --user-group garrison
    fi
    owner=garrison
else
    owner="$(id -un)"
fi

echo "==> directories"
# Configuration and keys: readable by the daemons' group, writable by root only; state: the daemons' own.
install -d -m 0755 "$root/usr/local/bin" "$root/etc/systemd/system"
install -d -m 0750 -o root -g "$owner" "$root/etc/garrison" "$root/etc/garrison/pki" 2>/dev/null \
    || install -d -m 0750 "$root/etc/garrison" "$root/etc/garrison/pki"
install -d -m 0750 -o "$owner" -g "$owner" "$root/var/lib/garrison" 2>/dev/null || install -d -m 0750 "$root/var/lib/garrison"

echo "==> programs into $root/usr/local/bin"
install -m 0755 "$bin/garrison" "$bin/garrisonctl" "$root/usr/local/bin/"

echo "==> example configuration into $root/etc/garrison (existing files are kept)"
for file in Config/*.yaml; do
    target="$root/etc/garrison/$(basename "$file")"
    if [ -e "$target" ]; then
        echo "    kept $target"
    else
        install -m 0640 "$file" "$target"
        chgrp "$owner" "$target" 2>/dev/null || true
        echo "    wrote $target"
    fi
done

echo "==> systemd units into $root/etc/systemd/system"
install -m 0644 systemd/*.service "$root/etc/systemd/system/"
if [ -z "$root" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi

cat <<NEXT
Installed. Next (deploy/README.md, "First install", steps 2 to 6):
  2. PostgreSQL: the two passwords in the environment (GARRISON_OWNER_PASSWORD, GARRISON_APP_PASSWORD), then
     sudo --preserve-env=GARRISON_OWNER_PASSWORD,GARRISON_APP_PASSWORD -u postgres psql -f deploy/postgres/roles.sql
  3. PKI:        sudo deploy/pki-bootstrap.sh --dns hub.kmzb.local --admin NAME
  4. Edit /etc/garrison/hub.yaml; the passwords in /etc/garrison/hub.env (0640, group garrison)
  5. sudo -u garrison sh -c 'set -a; . /etc/garrison/hub.env; exec garrison hub migrate --config /etc/garrison/hub.yaml'
     systemctl enable --now garrison-hub
NEXT
