package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;

import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A role allowed to call our security-definer functions cannot slip its own functions,
 * operators or types into them and run code as the schema's owner: they run with a fixed
 * search_path, except the generated insert_event and logutriga's fast path, which look
 * nothing up on the caller's path (a SET would cost each call about as much as the rest).
 * Skytools' PgQ does neither, hence ours only.
 */
@Tag("ours-only")
class SearchPathPinTest extends PgqSqlTestSupport {

    @Test
    void everySecurityDefinerFunctionButTheGeneratedOnesPinsItsSearchPath() throws Exception {
        try (Sql s = PG.db().open()) {
            // create_queue regenerates insert_event: the generated bodies must keep the pin
            s.exec("select pgq.create_queue('q')");
            long secdef = s.longValue("select count(*) from pg_catalog.pg_proc p"
                    + " join pg_catalog.pg_namespace n on n.oid = p.pronamespace"
                    + " where n.nspname = 'pgq' and p.prosecdef");
            assertThat(secdef).as("security definer functions in pgq").isGreaterThan(20);
            assertThat(s.column("select p.oid::regprocedure::text from pg_catalog.pg_proc p"
                    + " join pg_catalog.pg_namespace n on n.oid = p.pronamespace"
                    + " where n.nspname = 'pgq' and p.prosecdef"
                    + " and not coalesce(p.proconfig @> array['search_path=pg_catalog, pg_temp'], false)"))
                    .as("security definer functions without a pinned search_path")
                    .containsExactlyInAnyOrder("pgq.insert_event(text,text,text)",
                            "pgq.insert_event(text,text,text,text,text,text,text)",
                            "pgq._trg_logu_row(oid,name,text,text,text)");
        }
    }

    /** Operators, functions and types of pin_trap that raise as whoever runs them. */
    private static void setTraps(Sql w) throws Exception {
        w.exec("create function pin_trap.now() returns timestamptz language plpgsql as $$"
                + " begin raise exception 'pin_trap.now() ran as %', current_user; end $$");
        w.exec("create function pin_trap.trap(a int4, b int4) returns boolean language plpgsql as $$"
                + " begin raise exception 'pin_trap int4 = ran as %', current_user; end $$");
        w.exec("create function pin_trap.trap(a text, b text) returns boolean language plpgsql as $$"
                + " begin raise exception 'pin_trap text = ran as %', current_user; end $$");
        w.exec("create function pin_trap.cat(a text, b text) returns text language plpgsql as $$"
                + " begin raise exception 'pin_trap text || ran as %', current_user; end $$");
        w.exec("create function pin_trap.minus(a int4, b int4) returns int4 language plpgsql as $$"
                + " begin raise exception 'pin_trap int4 - ran as %', current_user; end $$");
        w.exec("create operator pin_trap.= (leftarg = int4, rightarg = int4, function = pin_trap.trap)");
        w.exec("create operator pin_trap.= (leftarg = text, rightarg = text, function = pin_trap.trap)");
        w.exec("create operator pin_trap.<> (leftarg = text, rightarg = text, function = pin_trap.trap)");
        w.exec("create operator pin_trap.> (leftarg = int4, rightarg = int4, function = pin_trap.trap)");
        w.exec("create operator pin_trap.~ (leftarg = text, rightarg = text, function = pin_trap.trap)");
        w.exec("create operator pin_trap.|| (leftarg = text, rightarg = text, function = pin_trap.cat)");
        w.exec("create operator pin_trap.- (leftarg = int4, rightarg = int4, function = pin_trap.minus)");
        w.exec("create function pin_trap.nextval(regclass) returns bigint language plpgsql as $$"
                + " begin raise exception 'pin_trap.nextval ran as %', current_user; end $$");
        w.exec("create type pin_trap.int4 as (x text)");
        w.exec("create type pin_trap.text as (x text)");
    }

    private static void createWriter(Sql s) throws Exception {
        s.exec("do $$ begin"
                + " if not exists (select 1 from pg_roles where rolname = 'pin_writer') then"
                + " create role pin_writer login in role pgq_writer; end if; end $$");
        s.exec("create schema pin_trap authorization pin_writer");
    }

    @Test
    void aWritersOwnFunctionsOperatorsAndTypesAreNotUsedByLogutrigasFastPath() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            createWriter(s);
            s.exec("create table pin_acc (id int primary key, v text)");
            s.exec("create trigger _londiste_q after insert or update or delete on pin_acc"
                    + " for each row execute procedure pgq.logutriga('q')");
            s.exec("grant select, insert, update, delete on pin_acc to pin_writer");
        }
        try (Sql w = PG.db().openAs("pin_writer")) {
            setTraps(w);
            w.exec("set search_path = pin_trap, pg_catalog");
            assertThat(w.error("select 'a'::pg_catalog.text || 'b'")).contains("pin_trap text || ran as pin_writer");
            // the first row also makes the table's shape (as the owner, its path pinned)
            w.exec("insert into public.pin_acc values (1, 'plain')");
            w.exec("update public.pin_acc set v = 'x' where id operator(pg_catalog.=) 1");
            // a comma inside the value: split by _trg_marked_fields, urlencoded by the loop
            w.exec("insert into public.pin_acc values (2, 'a, b & c')");
            w.exec("update public.pin_acc set v = 'a, b & d' where id operator(pg_catalog.=) 2");
            w.exec("delete from public.pin_acc where id operator(pg_catalog.=) 2");
        }
        try (Sql s = PG.db().open()) {
            tick(s, "q");
            long batch = s.longValue("select pgq.next_batch('q', 'c')");
            assertThat(events(s, batch)).extracting(e -> e.get("ev_type") + " " + e.get("ev_data")).containsExactly(
                    "I:id id=1&v=plain", "U:id id=1&v=x", "I:id id=2&v=a%2c+b+%26+c", "U:id id=2&v=a%2c+b+%26+d",
                    "D:id id=2&v=a%2c+b+%26+d");
        }
    }

    @Test
    void aWritersOwnFunctionsOperatorsAndTypesAreNotUsedByInsertEvent() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            createWriter(s);
        }
        try (Sql w = PG.db().openAs("pin_writer")) {
            // were it called as the owner, this would run with the owner's privileges
            setTraps(w);
            w.exec("set search_path = pin_trap, pg_catalog");
            // the traps work where they are looked up on the path
            assertThat(w.error("select pin_trap.now()")).contains("pin_trap.now() ran as pin_writer");
            assertThat(w.error("select 1 = 1")).contains("pin_trap int4 = ran as pin_writer");
            assertThat(w.error("select 'a'::pg_catalog.text <> 'b'")).contains("pin_trap text = ran as pin_writer");
            assertThat(w.longValue("select pgq.insert_event('q', 't', 'three args')")).isPositive();
            assertThat(w.longValue("select pgq.insert_event('q', 't', 'seven args', 'a', 'b', 'c', 'd')")).isPositive();
        }
        try (Sql s = PG.db().open()) {
            tick(s, "q");
            long batch = s.longValue("select pgq.next_batch('q', 'c')");
            var events = events(s, batch);
            assertThat(events).extracting(e -> e.get("ev_data")).containsExactly("three args", "seven args");
            assertThat(events).allSatisfy(e -> assertThat((Timestamp) e.get("ev_time")).isNotNull());
        }
    }
}
