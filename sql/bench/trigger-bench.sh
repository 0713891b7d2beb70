#!/usr/bin/env bash
# PgQ trigger benchmark: our pgq.logutriga (sql/pgq, PL/pgSQL) against Skytools PgQ 3.5's C
# logutriga and against no trigger at all, in one run on one Debian PostgreSQL 15 server.
#
#   bash sql/bench/trigger-bench.sh [pgbench-seconds] [rows]
#
# 1. Per-row cost: INSERT, UPDATE and DELETE of ROWS rows (one statement each) of a
#    pgbench_accounts-like table carrying Londiste's root trigger,
#    AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW pgq.logutriga('<queue>'), best of ROUNDS.
#    The trigger's cost per row is the statement time minus the same without a trigger.
# 2. pgbench TPC-B (1 client) with that trigger on the four pgbench tables, best of ROUNDS.
#
# Needs postgresql-15, postgresql-15-pgq3 and pgbench (bash .ci/run installs them). Runs as
# root (through runuser) or as a user who may run initdb. Take /tmp/mvn.lock while it runs
# (flock /tmp/mvn.lock bash sql/bench/trigger-bench.sh) so no build shares the CPUs.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-20}
ROWS=${2:-100000}
ROUNDS=${ROUNDS:-3}
SCALE=${SCALE:-5}
BIN=${PGBIN:-/usr/lib/postgresql/15/bin}
INSTALL=${PGQ_INSTALL:-sql/pgq/install.sql}   # another sql/pgq tree, e.g. an older commit's

as_pg() { if [ "$(id -u)" = 0 ]; then /usr/sbin/runuser -u postgres -- "$@"; else "$@"; fi; }
DIR=$(mktemp -d /tmp/trigger-bench-XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT

echo "== starting PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on port $PORT (synchronous_commit=off, autovacuum=off)"
as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 \
  -c synchronous_commit=off -c autovacuum=off -c shared_buffers=256MB -c max_wal_size=4GB" start >/dev/null

PSQL="psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $PORT -U postgres"
PGBENCH="$BIN/pgbench -h 127.0.0.1 -p $PORT -U postgres"
DBS="plain real ours"
for db in $DBS; do $PSQL -d postgres -c "create database $db"; done
$PSQL -d ours -f "$INSTALL" >/dev/null 2>&1
$PSQL -d real -c "create extension pgq"
for db in ours real; do $PSQL -d $db -c "select pgq.create_queue('bench')" >/dev/null; done

trig() { # db table -> Londiste's root trigger on the table (none in plain)
  [ "$1" = plain ] || $PSQL -d "$1" -c "create trigger _londiste_bench after insert or update or delete on $2
      for each row execute procedure pgq.logutriga('bench')"
}
clear_queue() { [ "$1" = plain ] || $PSQL -d "$1" -c "truncate pgq.event_1_0, pgq.event_1_1, pgq.event_1_2"; }

# ---------------------------------------------------------------------- per row
declare -A MS
echo "== per row: $ROWS rows of acc (aid int primary key, bid int, abalance int, filler char(84)), best of $ROUNDS"
for round in $(seq "$ROUNDS"); do
  for db in $DBS; do
    $PSQL -d $db -c "drop table if exists acc" -c "create table acc (aid int primary key, bid int, abalance int, filler char(84))
        with (autovacuum_enabled = off)" 2>/dev/null
    trig $db acc
    clear_queue $db
    $PSQL -d $db -c "checkpoint"
    out=$($PSQL -d $db -c '\timing on' \
        -c "insert into acc select g, 1 + g / 100000, 0, '' from generate_series(1, $ROWS) g" \
        -c "update acc set abalance = abalance + 1" \
        -c "delete from acc" | awk '/^Time:/{print $2}')
    set -- $out
    for op in insert update delete; do
      k="${op}_$db"
      if [ -z "${MS[$k]:-}" ] || python3 -c "import sys; sys.exit(0 if $1 < ${MS[$k]} else 1)"; then MS[$k]=$1; fi
      shift
    done
  done
done
us() { python3 -c "print('%.2f' % ($1 * 1000.0 / $ROWS))"; }
printf '  %-7s %12s %12s %12s %14s %14s %12s\n' op "none µs/row" "C µs/row" "ours µs/row" "C trigger µs" "ours trigger µs" "ours / C"
for op in insert update delete; do
  n=$(us ${MS[${op}_plain]}); c=$(us ${MS[${op}_real]}); o=$(us ${MS[${op}_ours]})
  printf '  %-7s %12s %12s %12s %14s %14s %11sx\n' $op $n $c $o \
    "$(python3 -c "print('%.2f' % ($c - $n))")" "$(python3 -c "print('%.2f' % ($o - $n))")" \
    "$(python3 -c "print('%.2f' % (($o - $n) / ($c - $n)))")"
done
for db in $DBS; do $PSQL -d $db -c "drop table acc"; clear_queue $db; done

# ---------------------------------------------------------------------- TPC-B
echo "== pgbench TPC-B, scale $SCALE, 1 client, ${SECS}s per run, best of $ROUNDS"
for db in $DBS; do
  $PGBENCH -i -q -s "$SCALE" -d $db >/dev/null 2>&1
  for t in pgbench_accounts pgbench_branches pgbench_tellers pgbench_history; do trig $db $t; done
  $PSQL -d $db -c "vacuum analyze"
done
declare -A TPS
for round in $(seq "$ROUNDS"); do
  for db in $DBS; do
    $PSQL -d $db -c "checkpoint"
    t=$($PGBENCH -n -T "$SECS" -d $db 2>/dev/null | awk '/^tps = /{print $3}')
    if [ -z "${TPS[$db]:-}" ] || python3 -c "import sys; sys.exit(0 if $t > ${TPS[$db]} else 1)"; then TPS[$db]=$t; fi
  done
done
for db in $DBS; do printf '  %-6s %10s tps\n' $db "${TPS[$db]}"; done
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
echo
echo "== ratios"
printf '  %-36s %6s\n' "TPC-B: ours / Skytools C" "$(ratio ${TPS[ours]} ${TPS[real]})x"
printf '  %-36s %6s\n' "TPC-B: ours / no trigger" "$(ratio ${TPS[ours]} ${TPS[plain]})x"
printf '  %-36s %6s\n' "TPC-B: Skytools C / no trigger" "$(ratio ${TPS[real]} ${TPS[plain]})x"
