#!/usr/bin/env bash
# PgQ trigger cost in CPU instructions: our pgq.logutriga (sql/pgq) against Skytools PgQ 3.5's
# C logutriga and against no trigger, counted by valgrind (callgrind) in a single-user
# PostgreSQL 15 backend. Instruction counts do not move with the load of a shared machine,
# unlike tps and timings (trigger-bench.sh), so they show what a change to the trigger buys.
#
#   bash sql/bench/trigger-instructions.sh [rows]
#
# 1. TPC-B: instructions per pgbench-like transaction (the five TPC-B statements of pgbench's
#    default script, then COMMIT, in a procedure), Londiste's root trigger on the four pgbench
#    tables: (count of 1 050 transactions - count of 50) / 1 000.
# 2. Per row: instructions per row of one INSERT, UPDATE and DELETE of ROWS rows (default
#    5 000) of the pgbench_accounts-like table of trigger-bench.sh.
#
# Needs postgresql-15, postgresql-15-pgq3, pgbench and valgrind. Runs as root (through runuser)
# or as a user who may run initdb. Takes a few minutes of one CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-5000}
BIN=${PGBIN:-/usr/lib/postgresql/15/bin}
INSTALL=${PGQ_INSTALL:-sql/pgq/install.sql}

as_pg() { if [ "$(id -u)" = 0 ]; then /usr/sbin/runuser -u postgres -- "$@"; else "$@"; fi; }
DIR=$(mktemp -d /tmp/trigger-instr-XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { as_pg "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT

# set up with a normal server, count with single-user backends on the same data directory
as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" start >/dev/null
PSQL="psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $PORT -U postgres"
DBS="plain real ours"
for db in $DBS; do $PSQL -d postgres -c "create database $db"; done
$PSQL -d ours -f "$INSTALL" >/dev/null 2>&1
$PSQL -d real -c "create extension pgq"
for db in $DBS; do
  [ $db = plain ] || $PSQL -d $db -c "select pgq.create_queue('bench')" >/dev/null
  "$BIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -i -q -s 5 -d $db >/dev/null 2>&1
  for t in pgbench_accounts pgbench_branches pgbench_tellers pgbench_history; do
    [ $db = plain ] || $PSQL -d $db -c "create trigger _londiste_bench after insert or update or delete on $t
        for each row execute procedure pgq.logutriga('bench')"
  done
  $PSQL -d $db -c "create procedure tpcb(n int) language plpgsql as \$\$
    declare v_aid int; v_bid int; v_tid int; v_delta int; v_bal int;
    begin
      for i in 1 .. n loop
        v_aid := 1 + (random() * 499999)::int; v_bid := 1 + (random() * 4)::int;
        v_tid := 1 + (random() * 49)::int; v_delta := (random() * 10000)::int - 5000;
        update pgbench_accounts set abalance = abalance + v_delta where aid = v_aid;
        select abalance into v_bal from pgbench_accounts where aid = v_aid;
        update pgbench_tellers set tbalance = tbalance + v_delta where tid = v_tid;
        update pgbench_branches set bbalance = bbalance + v_delta where bid = v_bid;
        insert into pgbench_history (tid, bid, aid, delta, mtime) values (v_tid, v_bid, v_aid, v_delta, current_timestamp);
        commit;
      end loop;
    end \$\$" -c "vacuum analyze"
done
as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
cp -a "$DIR/data" "$DIR/orig"

count() { # db, SQL on stdin -> instructions of the whole single-user session
  # every count on a fresh copy of the same data: event tables and indexes that grew in an
  # earlier count would move the figures by some 10 000 instructions a transaction
  rm -rf "$DIR/data" && cp -a "$DIR/orig" "$DIR/data"
  as_pg valgrind --tool=callgrind --callgrind-out-file="$DIR/cg.out" "$BIN/postgres" --single -D "$DIR/data" \
    -c synchronous_commit=off -c autovacuum=off "$1" 2>&1 >/dev/null | awk '/Collected :/{print $NF}'
  rm -f "$DIR/cg.out"
}
rows_sql() { # rows, statements to run: 1 insert, 2 + update, 3 + delete
  echo "create table acc (aid int primary key, bid int, abalance int, filler char(84));"
  [ "$3" = plain ] || echo "create trigger _londiste_bench after insert or update or delete on acc for each row execute procedure pgq.logutriga('bench');"
  echo "insert into acc select g, 1 + g / 100000, 0, '' from generate_series(1, $1) g;"
  [ "$2" -ge 2 ] && echo "update acc set abalance = abalance + 1;"
  [ "$2" -ge 3 ] && echo "delete from acc;"
  echo "drop table acc;"
}
declare -A TX INS UPD DEL
for db in $DBS; do
  a=$(printf 'select setseed(0.42);\ncall tpcb(50);\n' | count $db)
  b=$(printf 'select setseed(0.42);\ncall tpcb(50);\ncall tpcb(1000);\n' | count $db)
  TX[$db]=$(( (b - a) / 1000 ))
  z=$(rows_sql 0 1 $db | count $db); i=$(rows_sql "$ROWS" 1 $db | count $db)
  u=$(rows_sql "$ROWS" 2 $db | count $db); d=$(rows_sql "$ROWS" 3 $db | count $db)
  INS[$db]=$(( (i - z) / ROWS )); UPD[$db]=$(( (u - i) / ROWS )); DEL[$db]=$(( (d - u) / ROWS ))
done

ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
echo "== TPC-B, instructions per transaction (pgbench -s 5 tables, trigger on all four)"
printf '  %-6s %10s\n' none "${TX[plain]}" C "${TX[real]}" ours "${TX[ours]}"
printf '  trigger cost: C %d, ours %d, ours / C %sx\n' $(( TX[real] - TX[plain] )) $(( TX[ours] - TX[plain] )) \
  "$(ratio $(( TX[ours] - TX[plain] )) $(( TX[real] - TX[plain] )))"
echo "== per row, instructions ($ROWS rows of acc per statement)"
printf '  %-7s %9s %9s %9s %12s %12s %9s\n' op none C ours "C trigger" "ours trigger" "ours / C"
for op in insert update delete; do
  case $op in insert) declare -n M=INS;; update) declare -n M=UPD;; delete) declare -n M=DEL;; esac
  printf '  %-7s %9d %9d %9d %12d %12d %8sx\n' $op "${M[plain]}" "${M[real]}" "${M[ours]}" \
    $(( M[real] - M[plain] )) $(( M[ours] - M[plain] )) "$(ratio $(( M[ours] - M[plain] )) $(( M[real] - M[plain] )))"
  unset -n M
done
