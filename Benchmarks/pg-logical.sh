#!/usr/bin/env bash
# Baseline: PostgreSQL's own logical replication moving ROWS report changes from one local cluster to another.
#
# Two throwaway PostgreSQL 15 clusters (publisher, subscriber) are created in a temp dir, each listening only on a
# Unix socket there. Both get the same `changes` table; the publisher publishes it and the subscriber subscribes
# with copy_data = false. Once the subscription's apply worker is streaming, the clock starts, one psql session
# inserts ROWS rows on the publisher in transactions of 1,000 rows each (autocommit INSERT ... SELECT
# generate_series), and the subscriber is polled every 50 ms until it holds all ROWS rows; then the clock stops.
#
# Why it is a fair baseline for garrison's own replication:
#   - durable commits: fsync, synchronous_commit and full_page_writes keep their defaults on both clusters (only
#     initdb's own bootstrap skips fsync, with --no-sync, which happens before the clock starts);
#   - the same row count, moved in batches of 1,000 rows per commit;
#   - rows of similar size: each `change` is a jsonb document of about 700 bytes shaped like a report change.
# The time covers the publisher's inserts, WAL decoding, shipping and the subscriber's apply, end to end.
#
# Usage: bash Benchmarks/pg-logical.sh [ROWS]        (default 100000; works from any directory)
# Needs the PostgreSQL 15 server binaries (Debian package: postgresql); PGBIN overrides their directory.
# As root every PostgreSQL binary runs as the postgres user.
# The last line is machine-readable: pg_logical_rows_per_s=N
set -euo pipefail

rows="${1:-100000}"
if ! [[ "$rows" =~ ^[1-9][0-9]*$ ]]; then
    echo "pg-logical: ROWS must be a positive integer, got '$rows'" >&2
    exit 2
fi

pgbin="${PGBIN:-/usr/lib/postgresql/15/bin}"
for tool in initdb pg_ctl postgres psql; do
    if [[ ! -x "$pgbin/$tool" ]]; then
        echo "pg-logical: $pgbin/$tool not found; install the Debian package 'postgresql' (PostgreSQL 15)" \
            "or set PGBIN to the directory holding the server binaries" >&2
        exit 1
    fi
done

batch=1000
pub_port=55432
sub_port=55433
timeout_s=$((30 * 60))

# PostgreSQL refuses to run as root: run its binaries as the postgres user then.
as_pg=()
if [[ "$(id -u)" -eq 0 ]]; then
    if ! id postgres >/dev/null 2>&1; then
        echo "pg-logical: running as root but there is no 'postgres' user to run PostgreSQL as" >&2
        exit 1
    fi
    as_pg=(runuser -u postgres --)
fi
pg() { "${as_pg[@]}" "$pgbin/$1" "${@:2}"; }

tmp="$(mktemp -d /tmp/garrison-pglogical.XXXXXX)"
insert_pid=
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for cluster in sub pub; do
        if [[ -f "$tmp/$cluster/postmaster.pid" ]]; then
            pg pg_ctl stop -D "$tmp/$cluster" -m immediate -w >/dev/null 2>&1 || true
        fi
    done
    # An interrupted insert ends once its server is gone (killing runuser instead would cost it a 2 s grace).
    if [[ -n "$insert_pid" ]]; then wait "$insert_pid" 2>/dev/null || true; fi
    if ((status != 0 && status != 130 && status != 143)); then # a failure, not an interruption
        for cluster in pub sub; do
            [[ -f "$tmp/$cluster.log" ]] || continue
            echo "--- last lines of the $cluster server log ---" >&2
            tail -n 20 "$tmp/$cluster.log" >&2 || true
        done
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ((${#as_pg[@]})); then chown postgres: "$tmp"; fi
cd "$tmp" # the postgres user may not be able to read the caller's directory

# psql against the publisher or subscriber's bench database: quiet, no psqlrc, stop on the first error.
sql() {
    local port="$1"
    shift
    pg psql -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" -U postgres -d bench "$@"
}
# A single value from a query, unaligned and without headers.
value() { sql "$1" -At -c "$2"; }

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
seconds() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }

start_cluster() {
    local name="$1" port="$2"
    shift 2
    pg initdb -D "$tmp/$name" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
    pg pg_ctl start -D "$tmp/$name" -w -t 60 -l "$tmp/$name.log" \
        -o "-p $port -c listen_addresses='' -c unix_socket_directories='$tmp' $*" >/dev/null
    pg psql -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" -U postgres -d postgres -c 'CREATE DATABASE bench'
    sql "$port" -c 'CREATE TABLE changes (
        seq bigint PRIMARY KEY,
        report_id text NOT NULL,
        garrison text NOT NULL,
        change jsonb NOT NULL)'
}

echo "pg-logical: starting publisher (port $pub_port) and subscriber (port $sub_port) in $tmp" >&2
start_cluster pub "$pub_port" "-c wal_level=logical"
start_cluster sub "$sub_port"

sql "$pub_port" -c 'CREATE PUBLICATION p FOR TABLE changes'
sql "$sub_port" -c 'SET client_min_messages = warning' -c "CREATE SUBSCRIPTION s
    CONNECTION 'host=$tmp port=$pub_port dbname=bench user=postgres'
    PUBLICATION p WITH (copy_data = false)"

# Wait for the apply worker to run and its walsender to be streaming before starting the clock.
wait_start="$(date +%s%N)"
until [[ "$(value "$sub_port" "SELECT count(*) FROM pg_stat_subscription WHERE subname = 's' AND pid IS NOT NULL")" == 1 &&
    "$(value "$pub_port" "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 's' AND active")" == 1 &&
    "$(value "$pub_port" "SELECT count(*) FROM pg_stat_replication WHERE application_name = 's' AND state = 'streaming'")" == 1 ]]; do
    if (($(ms_since "$wait_start") > 60000)); then
        echo "pg-logical: the subscription did not start streaming within 60 s" >&2
        exit 1
    fi
    sleep 0.05
done

# One autocommit INSERT ... SELECT per batch, so every 1,000 rows are their own durable transaction.
# Each change is a jsonb document of about 700 bytes shaped like a report change.
insert_sql="$tmp/insert.sql"
for ((first = 1; first <= rows; first += batch)); do
    last=$((first + batch - 1 < rows ? first + batch - 1 : rows))
    cat <<SQL
INSERT INTO changes (seq, report_id, garrison, change)
SELECT g, r.id, '20', jsonb_build_object(
    'report_id', r.id,
    'garrison', '20',
    'origin', 'node-20',
    'kind', 'create',
    'seq', g,
    'fields', jsonb_build_object(
        'description', repeat('x', 310),
        'county', '2061',
        'category', 7,
        'status', 'open',
        'reporter', 'node-20/operator-3',
        'created_at', jsonb_build_object('value', 1700000000000 + g, 'stamp', (1700000000000 + g) || '.0@node-20'),
        'updated_at', jsonb_build_object('value', 1700000000000 + g, 'stamp', (1700000000000 + g) || '.0@node-20')))
FROM generate_series($first, $last) AS g,
     LATERAL (SELECT md5(g::text)::uuid::text AS id) AS r;
SQL
done >"$insert_sql"

# The insert runs in the background so that Ctrl-C or a TERM reaches the trap at once rather than after it.
start="$(date +%s%N)"
"${as_pg[@]}" "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$pub_port" -U postgres -d bench <"$insert_sql" &
insert_pid=$!
wait "$insert_pid"
insert_pid=
inserted="$(date +%s%N)"

deadline=$(($(date +%s) + timeout_s))
until [[ "$(value "$sub_port" 'SELECT count(*) FROM changes')" == "$rows" ]]; do
    if (($(date +%s) >= deadline)); then
        echo "pg-logical: timed out after $((timeout_s / 60)) minutes: the subscriber has" \
            "$(value "$sub_port" 'SELECT count(*) FROM changes') of $rows rows" >&2
        exit 1
    fi
    sleep 0.05
done
done_ns="$(date +%s%N)"

elapsed=$((done_ns - start))
insert_elapsed=$((inserted - start))
change_bytes="$(value "$pub_port" "SELECT round(avg(octet_length(change::text))) || ' bytes as text, ' ||
    round(avg(pg_column_size(change))) || ' stored' FROM changes")"
echo "rows:                      $rows (batches of $batch rows per commit; change jsonb ~$change_bytes)"
echo "publisher insert alone:    $(seconds "$insert_elapsed") s" \
    "($((rows * 1000000000 / (insert_elapsed > 0 ? insert_elapsed : 1))) rows/s)"
echo "subscriber caught up after $(seconds $((done_ns - inserted))) s more"
echo "end to end:                $(seconds "$elapsed") s"
echo "pg_logical_rows_per_s=$((rows * 1000000000 / elapsed))"
