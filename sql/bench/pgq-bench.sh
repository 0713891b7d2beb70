#!/usr/bin/env bash
# PgQ SQL-layer benchmark: our sql/pgq against Skytools PgQ 3.5 (C extension) and against
# the plain-table limit, on one Debian PostgreSQL 15 server started for the run.
#
#   bash sql/bench/pgq-bench.sh [seconds-per-run]
#
# Reading is measured twice: BATCHES batches of BATCH_SIZE events, and BIG_BATCHES batches of
# BIG_BATCH_SIZE events as a libpq client such as python3-pgq (the Londiste worker) reads
# them: next_batch, get_batch_events with every row sent to the client, finish_batch; the big
# batches are also counted on the server only, which tells the server's share from the
# transfer's.
#
# Needs postgresql-15, postgresql-15-pgq3 and pgbench (bash .ci/run installs them). Runs as
# root (through runuser) or as a user who may run initdb. Prints events/s and ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-10}
BIN=${PGBIN:-/usr/lib/postgresql/15/bin}
BATCHES=${BATCHES:-300}
BATCH_SIZE=${BATCH_SIZE:-1000}
BIG_BATCHES=${BIG_BATCHES:-20}
BIG_BATCH_SIZE=${BIG_BATCH_SIZE:-10000}

as_pg() { if [ "$(id -u)" = 0 ]; then /usr/sbin/runuser -u postgres -- "$@"; else "$@"; fi; }
DIR=$(mktemp -d /tmp/pgq-bench-XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT

echo "== starting PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on port $PORT (synchronous_commit=off, autovacuum=off)"
as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 \
  -c synchronous_commit=off -c autovacuum=off -c shared_buffers=256MB -c max_wal_size=4GB" start >/dev/null

PSQL="psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $PORT -U postgres"
PGBENCH="$BIN/pgbench -h 127.0.0.1 -p $PORT -U postgres -n"
for db in ours real plain; do $PSQL -d postgres -c "create database $db"; done
$PSQL -d ours -f sql/pgq/install.sql >/dev/null
$PSQL -d real -c "create extension pgq"
# the plain-table limit: the same columns, defaults and index as a queue table
$PSQL -d plain -c "create sequence ev_seq" \
  -c "create table plain_events (ev_id bigint not null default nextval('ev_seq'), ev_time timestamptz not null,
      ev_txid bigint not null default txid_current(), ev_owner int4, ev_retry int4, ev_type text, ev_data text,
      ev_extra1 text, ev_extra2 text, ev_extra3 text, ev_extra4 text) with (fillfactor = 100, autovacuum_enabled = off)" \
  -c "create index plain_events_txid_idx on plain_events (ev_txid)"
for db in ours real; do $PSQL -d $db -c "select pgq.create_queue('bench')" >/dev/null; done

W="$DIR/scripts"; mkdir -p "$W"
PAYLOAD="'{\"id\": 12345, \"name\": \"some customer\", \"amount\": 99.95}'"
# producing, bulk: 100 events per statement (the function-call cost dominates)
echo "select count(pgq.insert_event('bench', 'order', $PAYLOAD)) from generate_series(1, 100);" > "$W/ins_bulk_pgq.sql"
echo "insert into plain_events (ev_time, ev_type, ev_data) select now(), 'order', $PAYLOAD from generate_series(1, 100);" > "$W/ins_bulk_plain.sql"
# producing, one statement per event, 10 per transaction (round trips dominate)
{ echo "begin;"; for i in $(seq 10); do echo "select pgq.insert_event('bench', 'order', $PAYLOAD);"; done; echo "end;"; } > "$W/ins_one_pgq.sql"
{ echo "begin;"; for i in $(seq 10); do echo "insert into plain_events (ev_time, ev_type, ev_data) values (now(), 'order', $PAYLOAD);"; done; echo "end;"; } > "$W/ins_one_plain.sql"

tps() { awk '/^tps = /{print $3}'; }
run() { # db script -> transactions per second
  $PGBENCH -d "$1" -T "$SECS" -f "$2" 2>/dev/null | tps
}
declare -A R
echo "== producing (each run ${SECS}s, 1 client)"
for kind in bulk one; do
  per=$([ $kind = bulk ] && echo 100 || echo 10)
  for db in plain real ours; do
    script="$W/ins_${kind}_$([ $db = plain ] && echo plain || echo pgq).sql"
    $PGBENCH -d "$db" -T 2 -f "$script" >/dev/null 2>&1   # warm-up: caches, WAL segments
    t=$(run $db "$script")
    R[ins_${kind}_$db]=$(python3 -c "print(round($t * $per))")
    printf '  %-6s %-5s %10s events/s\n' "$kind" "$db" "${R[ins_${kind}_$db]}"
  done
done

echo "== reading: $BATCHES batches of $BATCH_SIZE events (next_batch + get_batch_events + finish_batch)"
for db in ours real; do
  $PSQL -d $db -c "truncate pgq.event_1_0, pgq.event_1_1, pgq.event_1_2" -c "select pgq.register_consumer('bench', 'reader')" >/dev/null
  { for i in $(seq $BATCHES); do
      echo "select count(pgq.insert_event('bench', 'order', $PAYLOAD)) from generate_series(1, $BATCH_SIZE);"
      echo "select pgq.force_tick('bench');"
      echo "select pgq.ticker();"
    done; } | $PSQL -d $db >/dev/null
done
$PSQL -d plain -c "truncate plain_events" -c "create table batch_txids (n serial primary key, txid bigint)" >/dev/null
{ for i in $(seq $BATCHES); do
    echo "begin; insert into plain_events (ev_time, ev_type, ev_data) select now(), 'order', $PAYLOAD from generate_series(1, $BATCH_SIZE);"
    echo "insert into batch_txids (txid) values (txid_current()); commit;"
  done; } | $PSQL -d plain >/dev/null
for db in ours real plain; do $PSQL -d $db -c "vacuum analyze" >/dev/null; done

cat > "$W/read_pgq.sql" <<'X'
select batch_id as b from pgq.next_batch_info('bench', 'reader') \gset
select * from pgq.get_batch_events(:b);
select pgq.finish_batch(:b);
X
cat > "$W/read_plain.sql" <<X
\set n random(1, $BATCHES)
select * from plain_events where ev_txid = (select txid from batch_txids where n = :n) order by ev_id;
X
for round in 1 2; do
  for db in real ours; do
    $PSQL -d $db -c "select pgq.register_consumer_at('bench', 'reader', 1)" >/dev/null
    t=$($PGBENCH -d $db -t $BATCHES -f "$W/read_pgq.sql" 2>/dev/null | tps)
    R[read_$db]=$(python3 -c "print(round($t * $BATCH_SIZE))")
  done
  t=$($PGBENCH -d plain -t $BATCHES -f "$W/read_plain.sql" 2>/dev/null | tps)
  R[read_plain]=$(python3 -c "print(round($t * $BATCH_SIZE))")
done
for db in plain real ours; do printf '  read   %-5s %10s events/s\n' "$db" "${R[read_$db]}"; done

echo "== reading big batches: $BIG_BATCHES batches of $BIG_BATCH_SIZE events (rows to the client; counted on the server)"
declare -A FIRST
for db in ours real; do
  $PSQL -d $db -c "select pgq.unregister_consumer('bench', 'reader')" \
        -c "truncate pgq.event_1_0, pgq.event_1_1, pgq.event_1_2" >/dev/null
  FIRST[$db]=$($PSQL -d $db -At -c "select pgq.ticker('bench')" -c "select max(tick_id) from pgq.tick")
  FIRST[$db]=$(echo "${FIRST[$db]}" | tail -1)
  $PSQL -d $db -c "select pgq.register_consumer_at('bench', 'big', ${FIRST[$db]})" >/dev/null
  { for i in $(seq $BIG_BATCHES); do
      echo "select count(pgq.insert_event('bench', 'order', $PAYLOAD)) from generate_series(1, $BIG_BATCH_SIZE);"
      echo "select pgq.force_tick('bench');"
      echo "select pgq.ticker();"
    done; } | $PSQL -d $db >/dev/null
  $PSQL -d $db -c "vacuum analyze" >/dev/null
done
cat > "$W/read_big.sql" <<'X'
select batch_id as b from pgq.next_batch_info('bench', 'big') \gset
select * from pgq.get_batch_events(:b);
select pgq.finish_batch(:b);
X
cat > "$W/count_big.sql" <<'X'
select batch_id as b from pgq.next_batch_info('bench', 'big') \gset
select count(*) from pgq.get_batch_events(:b);
select pgq.finish_batch(:b);
X
for round in 1 2 3; do
  for db in real ours; do
    for kind in read count; do
      $PSQL -d $db -c "select pgq.register_consumer_at('bench', 'big', ${FIRST[$db]})" >/dev/null
      t=$($PGBENCH -d $db -t $BIG_BATCHES -f "$W/${kind}_big.sql" 2>/dev/null | tps)
      v=$(python3 -c "print(round($t * $BIG_BATCH_SIZE))")
      k=big_${kind}_$db
      if [ -z "${R[$k]:-}" ] || [ "$v" -gt "${R[$k]}" ]; then R[$k]=$v; fi
    done
  done
done
for db in real ours; do
  printf '  read big   %-5s %10s events/s\n' "$db" "${R[big_read_$db]}"
  printf '  count big  %-5s %10s events/s\n' "$db" "${R[big_count_$db]}"
done

ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
echo
echo "== ratios"
printf '  %-34s %6s\n' "produce bulk: ours / Skytools C" "$(ratio ${R[ins_bulk_ours]} ${R[ins_bulk_real]})x"
printf '  %-34s %6s\n' "produce bulk: ours / plain table" "$(ratio ${R[ins_bulk_ours]} ${R[ins_bulk_plain]})x"
printf '  %-34s %6s\n' "produce bulk: Skytools / plain" "$(ratio ${R[ins_bulk_real]} ${R[ins_bulk_plain]})x"
printf '  %-34s %6s\n' "produce one-by-one: ours / Skytools" "$(ratio ${R[ins_one_ours]} ${R[ins_one_real]})x"
printf '  %-34s %6s\n' "produce one-by-one: ours / plain" "$(ratio ${R[ins_one_ours]} ${R[ins_one_plain]})x"
printf '  %-34s %6s\n' "read: ours / Skytools" "$(ratio ${R[read_ours]} ${R[read_real]})x"
printf '  %-34s %6s\n' "read: ours / plain table" "$(ratio ${R[read_ours]} ${R[read_plain]})x"
printf '  %-34s %6s\n' "read: Skytools / plain table" "$(ratio ${R[read_real]} ${R[read_plain]})x"
printf '  %-34s %6s\n' "read big batches: ours / Skytools" "$(ratio ${R[big_read_ours]} ${R[big_read_real]})x"
printf '  %-34s %6s\n' "big, counted on server: ours / Sky" "$(ratio ${R[big_count_ours]} ${R[big_count_real]})x"
