#!/usr/bin/env bash
# deploy/README.md run as a script, on this machine, with no shortcut the guide does not give: install.sh into a
# staging tree, a PostgreSQL cluster with Debian's default authentication, roles.sql, pki-bootstrap.sh, the hub
# as its unit runs it, garrison 20's node and the national node enrolled with tokens, promoted to pilot and live,
# a unit's report reaching the national statistics, the hub restored from pg_dump with the node catching up, and
# a stolen node's certificate revoked. Each step is printed (`==> step N: …`); the first one that does not work
# as written ends the run with a message naming it (and the tail of the daemon's log).
#
# Usage: sudo deploy/smoke-test.sh [--bin DIR]
#   --bin DIR  the built `garrison` and `garrisonctl` (default .build/debug)
# Needs root, PostgreSQL 15 or newer with postgresql-common (pg_createcluster), sudo, curl and jq. Everything it
# makes (the staging tree, the cluster garrison-smoke, the daemons, an /etc/hosts line, the garrison user if it
# made it) is removed at exit. CI has no systemd: the daemons run as their units would (User=, EnvironmentFile=,
# UMask=, LimitNOFILE=, ExecStart=), in the background.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BIN=.build/debug
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) BIN="$2"; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) echo "smoke-test.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
    shift
done
BIN="$(cd "$BIN" 2>/dev/null && pwd)" || { echo "smoke-test.sh: --bin: no such directory" >&2; exit 64; }

STARTED=$SECONDS
STEP_NO=0
STEP="prerequisites"
step() {
    STEP_NO=$((STEP_NO + 1))
    STEP="$1"
    printf '==> step %d: %s  (%ds)\n' "$STEP_NO" "$STEP" "$((SECONDS - STARTED))"
}
fail() {
    echo "smoke-test: FAILED at step $STEP_NO ($STEP): $*" >&2
    exit 1
}
trap 'fail "line $LINENO: \`$BASH_COMMAND\` exited with $?"' ERR

[ "$(id -u)" = 0 ] || fail "run as root (the guide's commands run with sudo; this makes a user, a cluster, /etc/hosts lines)"
for tool in pg_createcluster pg_dropcluster pg_lsclusters curl jq ss; do
    command -v "$tool" >/dev/null || fail "$tool is missing"
done
if ! command -v sudo >/dev/null; then
    # The guide runs its commands with sudo; a bare CI image has none.
    echo "    sudo is missing: apt-get install sudo"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sudo; } >/dev/null \
        || fail "sudo is missing and apt-get could not install it"
fi

# --- cleanup: every daemon started, the cluster, the hosts line, the staging tree, the user if made here -------
# The newest PostgreSQL server installed (the guide asks for 15 or newer).
PG_VERSION="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -n | tail -n1)"
PG_CLUSTER=garrison-smoke
STAGE=""
HOSTS_LINE=""
MADE_USER=0
CLUSTER_MADE=0
declare -A DAEMON=()   # unit name -> pid of its runuser
LOGS="" # directory of the daemons' logs

# The daemon runuser started (runuser forks it and waits; SIGTERM to runuser kills it 2 s later with SIGKILL,
# so a graceful stop signals the daemon itself, as systemd's KillMode=control-group does).
daemon_pid() { pgrep -P "$1" 2>/dev/null | head -n1 || true; }

stop_daemon() {
    local unit="$1" pid="${DAEMON[$1]:-}" child
    [ -n "$pid" ] || return 0
    child="$(daemon_pid "$pid")"
    kill -TERM "${child:-$pid}" 2>/dev/null || true
    # TimeoutStopSec=30 in the units; the daemons exit within their shutdown grace (10 s).
    for _ in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "    $unit did not stop within 30 s: SIGKILL" >&2
        [ -n "$child" ] && kill -KILL "$child" 2>/dev/null
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    unset "DAEMON[$unit]"
}

cleanup() {
    local status=$?
    trap - ERR
    set +e
    if [ "$status" != 0 ] && [ -n "$LOGS" ] && [ -d "$LOGS" ]; then
        for log in "$LOGS"/*.log; do
            [ -s "$log" ] || continue
            echo "---- last lines of $(basename "$log")" >&2
            tail -n 15 "$log" >&2
        done
    fi
    for unit in "${!DAEMON[@]}"; do stop_daemon "$unit"; done
    if [ "$CLUSTER_MADE" = 1 ]; then
        pg_dropcluster --stop "$PG_VERSION" "$PG_CLUSTER" || echo "smoke-test: pg_dropcluster $PG_VERSION $PG_CLUSTER failed" >&2
    fi
    if [ -n "$HOSTS_LINE" ]; then
        # Written in place: /etc/hosts is often a bind mount, which sed -i (a rename) cannot replace.
        grep -vxF "$HOSTS_LINE" /etc/hosts > "$STAGE.hosts" || true
        cat "$STAGE.hosts" > /etc/hosts
        rm -f "$STAGE.hosts"
    fi
    [ -n "$STAGE" ] && rm -rf "$STAGE"
    if [ "$MADE_USER" = 1 ]; then userdel garrison 2>/dev/null; fi
    if [ "$status" = 0 ]; then
        echo "smoke-test: passed in $((SECONDS - STARTED)) s"
    else
        echo "smoke-test: failed after $((SECONDS - STARTED)) s" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- helpers ---------------------------------------------------------------------------------------------------

# wait_for DESCRIPTION SECONDS LOG COMMAND…: runs COMMAND every half second until it succeeds; past the deadline,
# fails naming what it waited for, with COMMAND's last output and the tail of LOG.
wait_for() {
    local what="$1" seconds="$2" log="$3" deadline output
    shift 3
    deadline=$((SECONDS + seconds))
    while :; do
        if output="$("$@" 2>&1)"; then return 0; fi
        for unit in "${!DAEMON[@]}"; do
            kill -0 "${DAEMON[$unit]}" 2>/dev/null && continue
            echo "    ---- tail of $LOGS/$unit.log" >&2
            tail -n 25 "$LOGS/$unit.log" >&2
            unset "DAEMON[$unit]"
            fail "$unit exited while waiting for $what"
        done
        [ "$SECONDS" -lt "$deadline" ] || break
        sleep 0.5
    done
    echo "    waited ${seconds} s for: $what" >&2
    echo "    last answer: ${output:0:2000}" >&2
    if [ -n "$log" ] && [ -f "$log" ]; then
        echo "    ---- tail of $log" >&2
        tail -n 25 "$log" >&2
    fi
    fail "timed out waiting for $what"
}

# A listening port: the default when it is free, else a free one.
free_port() {
    local port="$1"
    while [ -n "$(ss -Hltn "sport = :$port")" ] || [[ " ${PORTS_TAKEN:-} " == *" $port "* ]]; do
        port=$((20000 + RANDOM % 40000))
    done
    PORTS_TAKEN="${PORTS_TAKEN:-} $port"
    echo "$port"
}

# yaml_set FILE SECTION.KEY VALUE: sets a key of the example configuration in place, keeping its comment.
yaml_set() {
    local file="$1" section="${2%%.*}" key="${2#*.}" value="$3"
    awk -v section="$section" -v key="$key" -v value="$value" '
        /^[A-Za-z_]+:/ { current = $0; sub(/:.*/, "", current) }
        !done && current == section && index($0, "  " key ":") == 1 {
            comment = ""
            if (match($0, /[ ]+# .*/)) comment = substr($0, RSTART)
            print "  " key ": " value comment
            done = 1
            next
        }
        { print }
        END { if (!done) exit 3 }
    ' "$file" > "$file.new" || { rm -f "$file.new"; fail "$file has no key $2 to edit"; }
    cat "$file.new" > "$file"   # in place: keeps the file's mode and owner
    rm -f "$file.new"
}

# run COMMAND…: its output indented; its failure fails the step, naming it and its exit code.
run() {
    local status=0
    "$@" > "$STAGE/out" 2>&1 || status=$?
    sed 's/^/    /' "$STAGE/out"
    [ "$status" = 0 ] || fail "\`$*\` exited with $status"
}

# capture VAR COMMAND…: COMMAND's output into VAR, what it says on stderr shown indented; its failure fails the step.
capture() {
    local var="$1" value
    shift
    if ! value="$("$@" 2>"$STAGE/note")"; then
        sed 's/^/    /' "$STAGE/note" >&2
        fail "\`$*\` failed"
    fi
    sed 's/^/    /' "$STAGE/note"
    printf -v "$var" '%s' "$value"
}

password() { od -An -tx1 -N18 /dev/urandom | tr -d ' \n'; }

# start_unit UNIT: runs the staged systemd unit's ExecStart= as its User=, with its EnvironmentFile=, UMask= and
# LimitNOFILE=, in the background (CI has no systemd), its paths under the staging tree; output to a log.
start_unit() {
    local unit="$1" file="$STAGE/etc/systemd/system/$1.service" exec user envfile mask nofile
    exec="$(sed -n 's/^ExecStart=//p' "$file")"
    user="$(sed -n 's/^User=//p' "$file")"
    envfile="$(sed -n 's/^EnvironmentFile=//p' "$file")"
    mask="$(sed -n 's/^UMask=//p' "$file")"
    nofile="$(sed -n 's/^LimitNOFILE=//p' "$file")"
    [ -n "$exec" ] && [ -n "$user" ] || fail "$file has no ExecStart= or User="
    if [ -n "$nofile" ] && ! (ulimit -n "$nofile") 2>/dev/null; then
        echo "    LimitNOFILE=$nofile is above this machine's hard limit: $unit gets $(ulimit -Hn) descriptors"
        nofile="$(ulimit -Hn)"
    fi
    exec="${exec//\/usr\/local\/bin\//$STAGE/usr/local/bin/}"
    exec="${exec//\/etc\/garrison\//$STAGE/etc/garrison/}"
    envfile="${envfile//\/etc\/garrison\//$STAGE/etc/garrison/}"
    (
        trap - ERR EXIT INT TERM
        [ -n "$mask" ] && umask "$mask"
        [ -n "$nofile" ] && ulimit -n "$nofile"
        # EnvironmentFile=-PATH: read when it exists (the leading - lets it be missing).
        envfile="${envfile#-}"
        # shellcheck disable=SC1090 # the unit's file, found at run time
        if [ -n "$envfile" ] && [ -f "$envfile" ]; then set -a; . "$envfile"; set +a; fi
        # shellcheck disable=SC2086 # ExecStart= is split on spaces, as systemd splits it.
        exec runuser -u "$user" -- $exec
    ) >>"$LOGS/$unit.log" 2>&1 &
    DAEMON[$unit]=$!
    echo "    $unit: $exec (User=$user, pid $!)"
}

owned_by_garrison() {
    local path owner
    for path in "$@"; do
        [ -e "$path" ] || fail "$path does not exist"
        owner="$(stat -c %U "$path")"
        [ "$owner" = garrison ] || fail "$path is owned by $owner, not the garrison user ($(stat -c %A "$path"))"
        case "$(stat -c %a "$path")" in *[1-7]) fail "$path is readable by everyone ($(stat -c %A "$path"))" ;; esac
    done
}

[ -n "$PG_VERSION" ] && [ "$PG_VERSION" -ge 15 ] 2>/dev/null \
    || fail "no PostgreSQL server 15 or newer in /usr/lib/postgresql (apt-get install postgresql)"

# ================================================================================================================
step "install.sh --root into a staging tree (First install, 1)"
STAGE="$(mktemp -d /tmp/garrison-smoke.XXXXXX)"
LOGS="$STAGE/log"
mkdir -p "$LOGS"
run deploy/install.sh --root "$STAGE" --no-build --bin "$BIN"
ETC="$STAGE/etc/garrison"
STATE="$STAGE/var/lib/garrison"
GARRISON="$STAGE/usr/local/bin/garrison"
GARRISONCTL_BIN="$STAGE/usr/local/bin/garrisonctl"
if ! id garrison >/dev/null 2>&1; then
    # What install.sh does without --root.
    useradd --system --home-dir /var/lib/garrison --shell /usr/sbin/nologin --user-group garrison
    MADE_USER=1
fi
# install.sh --root makes no user and leaves the tree to whoever ran it (a staging tree is packaged, then
# installed); these daemons run from the tree itself as the service user, so it gets the owners and modes
# install.sh gives on / : configuration and keys root:garrison 0750/0640, state garrison:garrison 0750. The
# temporary directory itself is 0700 like every mktemp -d: opened to the service user as / is.
chmod 0755 "$STAGE"
chown root:garrison "$ETC" "$ETC/pki" "$ETC"/*.yaml
chmod 0750 "$ETC" "$ETC/pki"
chmod 0640 "$ETC"/*.yaml
chown garrison:garrison "$STATE"
chmod 0750 "$STATE"

# ================================================================================================================
step "PostgreSQL with Debian's default authentication, roles.sql (First install, 2)"
if pg_lsclusters -h | awk '{print $1 "/" $2}' | grep -qx "$PG_VERSION/$PG_CLUSTER"; then
    fail "cluster $PG_VERSION/$PG_CLUSTER exists (a run killed before its cleanup?): pg_dropcluster --stop $PG_VERSION $PG_CLUSTER"
fi
PG_PORT="$(free_port 5433)"
pg_createcluster "$PG_VERSION" "$PG_CLUSTER" --port "$PG_PORT" --start >/dev/null
CLUSTER_MADE=1
echo "    cluster $PG_VERSION/$PG_CLUSTER on port $PG_PORT: $(grep -E '^(local|host)' "/etc/postgresql/$PG_VERSION/$PG_CLUSTER/pg_hba.conf" | awk '{print $1 " " $NF}' | sort -u | tr '\n' ';')"
GARRISON_OWNER_PASSWORD="$(password)"; export GARRISON_OWNER_PASSWORD
GARRISON_APP_PASSWORD="$(password)"; export GARRISON_APP_PASSWORD
roles_sql() {
    run sudo --preserve-env=GARRISON_OWNER_PASSWORD,GARRISON_APP_PASSWORD -u postgres psql -p "$PG_PORT" -f deploy/postgres/roles.sql
}
roles_sql

# ================================================================================================================
step "pki-bootstrap.sh (First install, 3)"
# The hub's port is chosen free here (the guide's is 8443); --port puts it in the GARRISONCTL_HUB line printed.
HUB_PORT="$(free_port 8443)"
run env GARRISONCTL="$GARRISONCTL_BIN" deploy/pki-bootstrap.sh --dns hub.kmzb.local --port "$HUB_PORT" --admin anna.nowak --dir "$ETC/pki"
# The variables it printed, as an administrator pastes them.
eval "$(sed -n '/^  export GARRISONCTL_/,/[^\\]$/p' "$STAGE/out")"
[ -n "${GARRISONCTL_HUB:-}" ] && [ -n "${GARRISONCTL_KEY:-}" ] || fail "pki-bootstrap.sh printed no GARRISONCTL_* variables"
for file in ca.pem ca.key hub.pem hub.key revoked.txt; do [ -f "$ETC/pki/$file" ] || fail "$ETC/pki/$file is missing"; done
ctl() { "$GARRISONCTL_BIN" "$@"; }

# ================================================================================================================
step "hub.yaml, hub.env (First install, 4), garrison hub migrate (5)"
ENROLL_PORT="$(free_port 8444)"
OPS_PORT="$(free_port 9090)"
yaml_set "$ETC/hub.yaml" database.host 127.0.0.1
yaml_set "$ETC/hub.yaml" database.port "$PG_PORT"
yaml_set "$ETC/hub.yaml" tls.certificate "$ETC/pki/hub.pem"
yaml_set "$ETC/hub.yaml" tls.key "$ETC/pki/hub.key"
yaml_set "$ETC/hub.yaml" tls.ca "$ETC/pki/ca.pem"
yaml_set "$ETC/hub.yaml" tls.revocation_list "$ETC/pki/revoked.txt"
yaml_set "$ETC/hub.yaml" enrollment.ca_key "$ETC/pki/ca.key"
yaml_set "$ETC/hub.yaml" listen.address "0.0.0.0:$HUB_PORT"
yaml_set "$ETC/hub.yaml" enrollment.address "0.0.0.0:$ENROLL_PORT"
yaml_set "$ETC/hub.yaml" ops.address "127.0.0.1:$OPS_PORT"
[ "${GARRISONCTL_HUB##*:}" = "$HUB_PORT" ] || fail "pki-bootstrap.sh --port $HUB_PORT printed GARRISONCTL_HUB=$GARRISONCTL_HUB"
RELOAD_SECONDS="$(sed -n 's/^  revocation_reload_seconds: *\([0-9]*\).*/\1/p' "$ETC/hub.yaml")"
install -m 0640 -o root -g garrison /dev/null "$ETC/hub.env"
printf 'GARRISON_DATABASE_PASSWORD=%s\nGARRISON_MIGRATION_PASSWORD=%s\n' "$GARRISON_APP_PASSWORD" "$GARRISON_OWNER_PASSWORD" > "$ETC/hub.env"
hub_migrate() {
    run sudo -u garrison sh -c "set -a; . '$ETC/hub.env'; exec '$GARRISON' hub migrate --config '$ETC/hub.yaml'"
}
hub_migrate
# The guide's check before the first start, as the service user with the unit's environment: it must pass.
run sudo -u garrison sh -c "set -a; . '$ETC/hub.env'; exec '$GARRISON' hub check --config '$ETC/hub.yaml' --show-config"
# --show-config prints every key with its value and origin: the passwords from hub.env as <REDACTED>, never as set.
grep -q 'database.password *= <REDACTED>  (environment variable GARRISON_DATABASE_PASSWORD)' "$STAGE/out" \
    || fail "hub check --show-config does not show database.password as redacted from hub.env"
if grep -qF "$GARRISON_APP_PASSWORD" "$STAGE/out"; then fail "hub check --show-config printed the application role's password"; fi

# ================================================================================================================
step "the hub as garrison-hub.service runs it, /readyz (First install, 5)"
hub_ready() { curl -s "localhost:$OPS_PORT/readyz" | grep '"status":"ready"'; }
start_hub() {
    start_unit garrison-hub
    wait_for "the hub's readyz to say ready (curl -s localhost:$OPS_PORT/readyz)" 60 "$LOGS/garrison-hub.log" hub_ready
    echo "    $(curl -s "localhost:$OPS_PORT/readyz")"
}
start_hub

# ================================================================================================================
step "garrisonctl status: 17 garrisons, all planned (First install, 6)"
# The hub's name as nodes and garrisonctl reach it (pki-bootstrap --dns).
if ! getent hosts hub.kmzb.local >/dev/null; then
    HOSTS_LINE="127.0.0.1 hub.kmzb.local # garrison smoke-test $$"
    echo "$HOSTS_LINE" >> /etc/hosts
    echo "    /etc/hosts: $HOSTS_LINE (removed at exit)"
fi
run ctl status
ctl status --json > "$STAGE/status.json"
[ "$(jq '.phases | add' "$STAGE/status.json")" = 17 ] && [ "$(jq '.phases.planned' "$STAGE/status.json")" = 17 ] \
    || fail "expected 17 garrisons, all planned: $(jq -c .phases "$STAGE/status.json")"

# ================================================================================================================
step "one-time tokens, garrison 20's node and the national node enrolled (Adding a wave, 1 and 2)"
NODE_API="$(free_port 8080)"
NATIONAL_API="$(free_port 8090)"
yaml_set "$ETC/node.yaml" node.garrison '"20"'
yaml_set "$ETC/node.yaml" hub.url "https://hub.kmzb.local:$HUB_PORT"
yaml_set "$ETC/national.yaml" hub.url "https://hub.kmzb.local:$HUB_PORT"
# install.sh --root: the staged configuration's paths point into the staging tree.
for config in node national; do
    yaml_set "$ETC/$config.yaml" store.path "$STATE/$config.sqlite"
    yaml_set "$ETC/$config.yaml" tls.certificate "$ETC/pki/$config.pem"
    yaml_set "$ETC/$config.yaml" tls.key "$ETC/pki/$config.key"
    yaml_set "$ETC/$config.yaml" tls.ca "$ETC/pki/ca.pem"
done
yaml_set "$ETC/node.yaml" api.address "127.0.0.1:$NODE_API"
yaml_set "$ETC/national.yaml" api.address "127.0.0.1:$NATIONAL_API"
capture NODE_TOKEN ctl enroll --garrison 20
run sudo "$GARRISON" node enroll --config "$ETC/node.yaml" --hub "https://hub.kmzb.local:$ENROLL_PORT" --token "$NODE_TOKEN" \
    --ca "$ETC/pki/ca.pem"
capture NATIONAL_TOKEN ctl enroll --national
run sudo "$GARRISON" node enroll --config "$ETC/national.yaml" --hub "https://hub.kmzb.local:$ENROLL_PORT" \
    --token "$NATIONAL_TOKEN" --ca "$ETC/pki/ca.pem"
owned_by_garrison "$ETC/pki/node.key" "$ETC/pki/national.key"
for file in node.pem national.pem; do [ "$(stat -c %U "$ETC/pki/$file")" = garrison ] || fail "$ETC/pki/$file is not the garrison user's"; done
# The guide's check before the first start: the credential, the store's place, the hub's answer (the garrison is
# still planned: a warning, not a failure).
run sudo -u garrison "$GARRISON" node check --config "$ETC/node.yaml"
run sudo -u garrison "$GARRISON" node check --role national --config "$ETC/national.yaml"

# ================================================================================================================
step "the nodes as garrison-node.service and garrison-national.service run them (Adding a wave, 2)"
start_unit garrison-node
start_unit garrison-national
wait_for "the node's readyz (127.0.0.1:$NODE_API)" 30 "$LOGS/garrison-node.log" curl -sf "127.0.0.1:$NODE_API/readyz"
wait_for "the national node's readyz (127.0.0.1:$NATIONAL_API)" 30 "$LOGS/garrison-national.log" \
    curl -sf "127.0.0.1:$NATIONAL_API/readyz"
owned_by_garrison "$STATE/node.sqlite" "$STATE/national.sqlite"
echo "    node: $(curl -s "127.0.0.1:$NODE_API/v1/status" | jq -c '{last_error}')"

# ================================================================================================================
step "garrison 20 promoted to pilot, then live (Adding a wave, 3 and 4)"
run ctl rollout promote 20 --reason "pilot starts"
# The live gates need a sync since the pilot began: the node retries slowly while the hub refuses a planned
# garrison (sync.refused_backoff_base_ms), so promote until the gates pass, within a deadline.
promote_live() { ctl rollout promote 20 --reason "pilot clean"; }
deadline=$((SECONDS + 60))
refused=""
until out="$(promote_live 2>&1)"; do
    code=$?
    [ "$code" = 2 ] || fail "garrisonctl rollout promote 20 exited $code: $out"
    if [ "$out" != "$refused" ]; then echo "$out" | sed 's/^/    (not yet) /'; refused="$out"; fi
    [ "$SECONDS" -lt "$deadline" ] || { tail -n 20 "$LOGS/garrison-node.log" >&2; fail "garrison 20's live gates did not pass within 60 s"; }
    sleep 1
done
echo "$out" | sed 's/^/    /'
run ctl rollout status

# ================================================================================================================
step "a unit's token, a report through the node's API, the national statistics"
capture UNIT_TOKEN sudo "$GARRISON" node token issue --config "$ETC/node.yaml" --unit KMP-2061 --role officer \
    --label "dyżurny KMP Białystok"
capture STAFF_TOKEN sudo "$GARRISON" node token issue --config "$ETC/national.yaml" --role national --label "KGP statystyka"
owned_by_garrison "$STATE/node.sqlite" "$STATE/national.sqlite"
# The body: the example of POST /v1/reports in the node's own OpenAPI document.
curl -sf "127.0.0.1:$NODE_API/openapi.json" \
    | jq '.paths["/v1/reports"].post.requestBody.content["application/json"].example' > "$STAGE/report.json"
[ "$(jq -r .county "$STAGE/report.json")" = 2061 ] || fail "GET /openapi.json has no example report for county 2061"
report() {
    curl -sS -o "$STAGE/created.json" -w '%{http_code}' -H "Authorization: Bearer $UNIT_TOKEN" -H 'Content-Type: application/json' \
        --data @"$STAGE/report.json" "127.0.0.1:$NODE_API/v1/reports"
}
code="$(report)"
[ "$code" = 201 ] || [ "$code" = 200 ] || fail "POST /v1/reports answered $code: $(cat "$STAGE/created.json")"
REPORT_ID="$(jq -r '.id // .report.id' "$STAGE/created.json")"
echo "    report $REPORT_ID created"
queue_empty() { curl -sf "127.0.0.1:$NODE_API/v1/status" | jq -e '.queue_depth == 0' >/dev/null; }
wait_for "the node's queue to drain (GET /v1/status queue_depth 0)" 30 "$LOGS/garrison-node.log" queue_empty
national_has() {
    curl -sf -H "Authorization: Bearer $STAFF_TOKEN" "127.0.0.1:$NATIONAL_API/v1/stats?garrison=20" | jq -e ".reports >= $1" >/dev/null
}
wait_for "the report in the national node's /v1/stats" 45 "$LOGS/garrison-national.log" national_has 1
# Public figures leave pilot garrisons out: the national node learns that 20 is live when it next reads the
# garrisons' phases, every sync.reference_refresh_seconds (60 unless national.yaml sets it).
REFRESH_SECONDS="$(sed -n 's/^  reference_refresh_seconds: *\([0-9]*\).*/\1/p' "$ETC/national.yaml")"
REFRESH_SECONDS="${REFRESH_SECONDS:-60}"
public_has() { curl -sf "127.0.0.1:$NATIONAL_API/v1/public/stats?garrison=20" | jq -e ".reports >= $1" >/dev/null; }
wait_for "the report in the public statistics (20 is live) within sync.reference_refresh_seconds ($REFRESH_SECONDS s) and 15 s" \
    "$((REFRESH_SECONDS + 15))" "$LOGS/garrison-national.log" public_has 1
echo "    national: $(curl -s -H "Authorization: Bearer $STAFF_TOKEN" "127.0.0.1:$NATIONAL_API/v1/stats?garrison=20" | jq -c '{reports, garrisons: [.garrisons[] | select(.garrison == "20") | {garrison, phase, reports}]}')"

# ================================================================================================================
step "the hub restored from its nightly pg_dump, the node catching up (Backup and restore)"
node_status() { curl -sf "127.0.0.1:$NODE_API/v1/status"; }
wait_for "the node to be caught up with the hub's feed (GET /v1/status caught_up)" 30 "$LOGS/garrison-node.log" \
    sh -c "curl -sf 127.0.0.1:$NODE_API/v1/status | jq -e '.caught_up and .queue_depth == 0'"
HEAD_AT_DUMP="$(node_status | jq .hub_head)"
# shellcheck disable=SC2024 # the dump is written by root, as the guide's redirect does
sudo -u postgres pg_dump -p "$PG_PORT" -Fc garrison > "$STAGE/garrison.dump"
echo "    nightly dump: $(stat -c %s "$STAGE/garrison.dump") bytes, the hub's feed at $HEAD_AT_DUMP"
# A report the hub acknowledges after the dump, and the node reads back in the feed: the restored hub has lost
# it, and the node must notice and push it again.
code="$(report)"
[ "$code" = 201 ] || [ "$code" = 200 ] || fail "POST /v1/reports answered $code: $(cat "$STAGE/created.json")"
wait_for "the second report acknowledged and read back (queue 0, cursor past $HEAD_AT_DUMP)" 30 "$LOGS/garrison-node.log" \
    sh -c "curl -sf 127.0.0.1:$NODE_API/v1/status | jq -e '.queue_depth == 0 and .cursor > $HEAD_AT_DUMP'"
echo "    node before the restore: $(node_status | jq -c '{queue_depth, last_acked, cursor, hub_head, resyncs}')"
stop_daemon garrison-hub
echo "    garrison-hub stopped (SIGTERM, as systemctl stop sends it)"
run sudo -u postgres dropdb -p "$PG_PORT" garrison
roles_sql
run sudo -u postgres pg_restore -p "$PG_PORT" --dbname garrison --exit-on-error < "$STAGE/garrison.dump"
hub_migrate
start_hub
hub_reports() { ctl rollout status --json | jq -e ".[] | select(.garrison == \"20\") | .reports >= $1 and .queue == 0" >/dev/null; }
wait_for "both reports at the hub and the node's queue 0 (garrisonctl rollout status)" 90 "$LOGS/garrison-node.log" hub_reports 2
wait_for "the node's queue to drain after the restore" 30 "$LOGS/garrison-node.log" queue_empty
run ctl rollout status
echo "    node after the restore: $(node_status | jq -c '{queue_depth, last_acked, cursor, hub_head, resyncs}')"
resync="$(grep -m1 're-syncing with the hub' "$LOGS/garrison-node.log")" || fail "the node's log shows no re-sync after the restore"
echo "$resync" | sed -n 's/.*reason=\(.*\) requeued_through=\([0-9]*\).*/    node log: re-sync: \1 (re-queued through \2)/p'

# ================================================================================================================
# Revoked last, after the restore: the catch-up above needs garrison 20's node working, and the guide's stolen
# machine is a garrison's node (urn:garrison:node:20:…), so this revokes that one rather than the national node.
step "a stolen node's certificate revoked by serial (A lost or stolen machine)"
run ctl status --expiring-within 3650
SERIAL="$(sed -n 's/^  urn:garrison:node:20:[^ ]* serial \([0-9A-Fa-f]*\):.*/\1/p' "$STAGE/out" | head -n1)"
[ -n "$SERIAL" ] || fail "garrisonctl status --expiring-within 3650 lists no certificate of garrison 20's node"
run ctl pki revoke --list "$ETC/pki/revoked.txt" --serial "$SERIAL" --reason "laptop stolen"
node_refused() {
    curl -s --cacert "$ETC/pki/ca.pem" --cert "$ETC/pki/node.pem" --key "$ETC/pki/node.key" \
        "https://hub.kmzb.local:$HUB_PORT/v1/sync/garrisons" | grep -q certificate_revoked
}
revoked_at=$SECONDS
wait_for "the hub to refuse the node's certificate (403 certificate_revoked) within tls.revocation_reload_seconds ($RELOAD_SECONDS s) and 10 s" \
    "$((RELOAD_SECONDS + 10))" "$LOGS/garrison-hub.log" node_refused
echo "    refused $((SECONDS - revoked_at)) s after the revocation:"
echo "    $(curl -s --cacert "$ETC/pki/ca.pem" --cert "$ETC/pki/node.pem" --key "$ETC/pki/node.key" "https://hub.kmzb.local:$HUB_PORT/v1/sync/garrisons")"
node_says_revoked() { curl -sf "127.0.0.1:$NODE_API/v1/status" | jq -e '.last_error | tostring | test("revoked")' >/dev/null; }
wait_for "the node's /v1/status last_error to name the revocation" 45 "$LOGS/garrison-node.log" node_says_revoked
echo "    node: $(curl -s "127.0.0.1:$NODE_API/v1/status" | jq -c '{last_error}')"
