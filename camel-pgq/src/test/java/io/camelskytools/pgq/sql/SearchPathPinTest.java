package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;

import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A role allowed to call our security-definer functions cannot slip its own functions,
 * operators or types into them and run code as the schema's owner: they run with a fixed
 * search_path, except the generated insert_event, which looks nothing up on the caller's
 * path (a SET would cost it about 10 %). Skytools' PgQ does neither, hence ours only.
 */
@Tag("ours-only")
class SearchPathPinTest extends PgqSqlTestSupport {

    @Test
    void everySecurityDefinerFunctionButInsertEventPinsItsSearchPath() throws Exception {
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
                            "pgq.insert_event(text,text,text,text,text,text,text)");
        }
    }

    @Test
    void aWritersOwnFunctionsOperatorsAndTypesAreNotUsedByInsertEvent() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("do $$ begin"
                    + " if not exists (select 1 from pg_roles where rolname = 'pin_writer') then"
                    + " create role pin_writer login in role pgq_writer; end if; end $$");
            s.exec("create schema pin_trap authorization pin_writer");
        }
        try (Sql w = PG.db().openAs("pin_writer")) {
            // were it called as the owner, this would run with the owner's privileges
            w.exec("create function pin_trap.now() returns timestamptz language plpgsql as $$"
                    + " begin raise exception 'pin_trap.now() ran as %', current_user; end $$");
            w.exec("create function pin_trap.trap(a int4, b int4) returns boolean language plpgsql as $$"
                    + " begin raise exception 'pin_trap int4 = ran as %', current_user; end $$");
            w.exec("create function pin_trap.trap(a text, b text) returns boolean language plpgsql as $$"
                    + " begin raise exception 'pin_trap text = ran as %', current_user; end $$");
            w.exec("create operator pin_trap.= (leftarg = int4, rightarg = int4, function = pin_trap.trap)");
            w.exec("create operator pin_trap.= (leftarg = text, rightarg = text, function = pin_trap.trap)");
            w.exec("create operator pin_trap.<> (leftarg = text, rightarg = text, function = pin_trap.trap)");
            w.exec("create function pin_trap.nextval(regclass) returns bigint language plpgsql as $$"
                    + " begin raise exception 'pin_trap.nextval ran as %', current_user; end $$");
            w.exec("create type pin_trap.int4 as (x text)");
            w.exec("set search_path = pin_trap, pg_catalog");
            // the traps work where they are looked up on the path
            assertThat(w.error("select pin_trap.now()")).contains("pin_trap.now() ran as pin_writer");
            assertThat(w.error("select 1 = 1")).contains("pin_trap int4 = ran as pin_writer");
            assertThat(w.error("select 'a'::text <> 'b'")).contains("pin_trap text = ran as pin_writer");
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
