package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Our pgq_node's security-definer functions run with a fixed search_path, so a role
 * allowed to call them cannot put its own operators or functions into them and have them
 * run as the schema's owner. Skytools' pgq_node keeps the caller's path, hence ours only
 * (docs/compatibility.md).
 */
@Tag("ours-only")
class PgqNodeSearchPathPinTest extends PgqNodeTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgqNode();

    @Test
    void everySecurityDefinerFunctionPinsItsSearchPath() throws Exception {
        try (Sql s = PG.db().open()) {
            assertThat(s.longValue("select count(*) from pg_catalog.pg_proc p"
                    + " where p.pronamespace = 'pgq_node'::regnamespace and p.prosecdef")).isEqualTo(25);
            assertThat(s.column("select p.oid::regprocedure::text from pg_catalog.pg_proc p"
                    + " where p.pronamespace = 'pgq_node'::regnamespace and p.prosecdef"
                    + " and not coalesce(p.proconfig @> array['search_path=pg_catalog, pg_temp'], false)"))
                    .as("security definer functions without a pinned search_path").isEmpty();
        }
    }

    @Test
    void aWritersOwnOperatorIsNotUsedInsideTheFunctions() throws Exception {
        try (Sql s = PG.db().open()) {
            createRoot(s, "q", "n1", "w1", "dbname=n1");
            s.exec("do $$ begin if not exists (select 1 from pg_roles where rolname = 'pin_node_writer') then"
                    + " create role pin_node_writer login in role pgq_writer; end if; end $$");
            s.exec("create schema pin_node_trap authorization pin_node_writer");
        }
        try (Sql w = PG.db().openAs("pin_node_writer")) {
            w.exec("create function pin_node_trap.trap(a text, b text) returns boolean language plpgsql as $$"
                    + " begin raise exception 'pin_node_trap text = ran as %', current_user; end $$");
            w.exec("create operator pin_node_trap.= (leftarg = text, rightarg = text, function = pin_node_trap.trap)");
            w.exec("set search_path = pin_node_trap, pg_catalog");
            assertThat(w.error("select 'a'::text = 'b'")).contains("pin_node_trap text = ran as pin_node_writer");
            expect(w, 200, "Consumer c registered on queue q", "register_consumer", "q", "c", "n1", 1L);
            expect(w, 100, "Consumer c completed tick = 1", "set_consumer_completed", "q", "c", 1L);
            expect(w, 100, "Ok", "get_node_info", "q");
        }
    }
}
