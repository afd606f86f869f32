#!/usr/bin/env bash
# The deployment's PKI, made with garrisonctl (swift-certificates; nothing shells out to openssl):
# the CA, the hub's server certificate and a first administrator's certificate, and an empty revocation list.
# Nodes do not get certificates here: they enroll with one-time tokens (garrisonctl enroll).
#
# Usage: sudo deploy/pki-bootstrap.sh --dns HUB_DNS_NAME [--ip HUB_IP] [--port 8443] [--admin NAME]
#        [--dir /etc/garrison/pki]
# --port is the hub's listen.address port, for the GARRISONCTL_HUB line printed at the end.
# It runs garrisonctl from PATH, else /usr/local/bin/garrisonctl (where install.sh puts it); GARRISONCTL=PATH
# names another.
set -euo pipefail

dir=/etc/garrison/pki
dns=""
ip=""
admin="admin"
port=8443
ctl="${GARRISONCTL:-$(command -v garrisonctl || echo /usr/local/bin/garrisonctl)}"
while [ $# -gt 0 ]; do
    case "$1" in
        --dir) dir="$2"; shift ;;
        --dns) dns="$2"; shift ;;
        --ip) ip="$2"; shift ;;
        --admin) admin="$2"; shift ;;
        --port) port="$2"; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "pki-bootstrap.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
    shift
done
[ -n "$dns" ] || { echo "pki-bootstrap.sh: --dns names the hub as nodes reach it (e.g. hub.kmzb.local)" >&2; exit 64; }
case "$port" in ''|*[!0-9]*) echo "pki-bootstrap.sh: --port is a number (the hub's listen.address port)" >&2; exit 64 ;; esac
[ -x "$ctl" ] || { echo "pki-bootstrap.sh: garrisonctl not found at $ctl: run deploy/install.sh first, or set GARRISONCTL=/path/to/garrisonctl" >&2; exit 69; }

"$ctl" pki init --dir "$dir"
hub_args=(pki issue --dir "$dir" --role hub --name hub --dns "$dns" --out "$dir")
[ -n "$ip" ] && hub_args+=(--ip "$ip")
"$ctl" "${hub_args[@]}"
"$ctl" pki issue --dir "$dir" --role admin --name "$admin" --out "$dir/admin"
touch "$dir/revoked.txt"
# The hub reads its key and the CA key (it signs enrolled nodes); the admin's files are for the administrator.
if id garrison >/dev/null 2>&1; then
    chgrp garrison "$dir" "$dir/hub.key" "$dir/ca.key" "$dir/hub.pem" "$dir/ca.pem" "$dir/revoked.txt"
    chmod 0640 "$dir/hub.key" "$dir/ca.key"
fi
cat <<NEXT
PKI ready in $dir: ca.pem (give it to every node), ca.key (the hub signs enrollments with it; back it up offline),
hub.pem/hub.key, revoked.txt, and the administrator's admin/$admin.pem and .key.
garrisonctl finds them with:
  export GARRISONCTL_HUB=https://$dns:$port GARRISONCTL_CA=$dir/ca.pem \\
         GARRISONCTL_CERT=$dir/admin/$admin.pem GARRISONCTL_KEY=$dir/admin/$admin.key
NEXT
