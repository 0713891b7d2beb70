package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tables on a queue: adding them on a root, a branch and a leaf (every arity and flag), the
 * triggers that get made (names, timing, functions, arguments, as Skytools makes them),
 * states, attributes and struct, handler changes, removal, the lists, and every return code.
 */
class LondisteTablesTest extends LondisteTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withLondiste();

    @Test
    void addOnRootMakesTheTriggersAndAnnouncesTheTable() throws Exception {
        try (Sql s = PG.db().open()) {
            root(s, "q");
            s.exec("create table public.t (id int primary key, v text)");
            expect(s, 200, "Table added: public.t", "local_add_table", "q", "t");
            expect(s, 200, "Table already added: public.t", "local_add_table", "q", "public.t");
            expect(s, 200, "Table already added: public.t", "local_add_table", "q", "t", args(), null, null);
            expect(s, 410, "Table public.t already added, but with different args: ", "local_add_table",
                    "q", "t", args(), "handler=x");
            assertThat(triggers(s, "public.t")).containsExactly(
                    "_londiste_q: CREATE TRIGGER _londiste_q AFTER INSERT OR DELETE OR UPDATE ON public.t"
                            + " FOR EACH ROW EXECUTE FUNCTION pgq.logutriga('q')",
                    "_londiste_q_truncate: CREATE TRIGGER _londiste_q_truncate AFTER TRUNCATE ON public.t"
                            + " FOR EACH STATEMENT EXECUTE FUNCTION pgq.sqltriga('q')");
            assertThat(s.value("select encode(tgargs, 'escape') from pg_trigger where tgname = '_londiste_q'"))
                    .isEqualTo("q\\000");
            assertThat(events(s, "q")).containsExactly("londiste.add-table|public.t||");
            assertThat(s.rows("select * from londiste.get_table_list('q')"))
                    .containsExactly(row("public.t", true, "ok", null, null, null, null, 0, null));
            // the changes go into the queue
            s.exec("insert into public.t values (1, 'a')");
            assertThat(events(s, "q")).last().isEqualTo("I:id|id=1&v=a|public.t|");
        }
    }

    static Map<String, Object> row(String table, boolean local, String state, String snapshot, String attrs,
            String ddl, String role, int pos, String dest) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("table_name", table);
        m.put("local", local);
        m.put("merge_state", state);
        m.put("custom_snapshot", snapshot);
        m.put("table_attrs", attrs);
        m.put("dropped_ddl", ddl);
        m.put("copy_role", role);
        m.put("copy_pos", pos);
        m.put("dest_table", dest);
        return m;
    }

    @Test
    void flagsTimingFunctionsArgumentsAndDestinationTables() throws Exception {
        try (Sql s = PG.db().open()) {
            root(s, "q");
            s.exec("create schema \"S q\"");
            s.exec("create table \"S q\".t2 (id int primary key, v text)");
            s.exec("create table public.\"We ird\" (id int primary key)");
            s.exec("create table public.j (id int primary key)");
            s.exec("create table public.p (id int primary key)");
            expect(s, 200, "Table added: S q.t2", "local_add_table", "q", "S q.t2",
                    args("tgflags=BIQ", "skip_truncate", "ev_extra2=x'y"));
            expect(s, 200, "Table added: public.We ird", "local_add_table", "q", "We ird", args("tgflags=UDL"), "a=1");
            expect(s, 200, "Table added: public.j", "local_add_table", "q", "j", args("tgflags=JQ", "expect_sync", "merge_all"));
            expect(s, 200, "Table added: public.gl(public.p)", "local_add_table", "q", "gl", null, null, "public.p");
            assertThat(triggers(s, "\"S q\".t2")).first().isEqualTo("_londiste_q: CREATE TRIGGER _londiste_q BEFORE INSERT"
                    + " ON \"S q\".t2 FOR EACH ROW EXECUTE FUNCTION pgq.sqltriga('q', 'ev_extra2=x''y')");
            assertThat(triggers(s, "public.\"We ird\"")).first().isEqualTo("_londiste_q: CREATE TRIGGER _londiste_q AFTER"
                    + " DELETE OR UPDATE ON public.\"We ird\" FOR EACH ROW EXECUTE FUNCTION pgq.logutriga('q')");
            assertThat(triggers(s, "public.j")).first().isEqualTo("_londiste_q: CREATE TRIGGER _londiste_q AFTER"
                    + " INSERT OR DELETE OR UPDATE ON public.j FOR EACH ROW EXECUTE FUNCTION pgq.jsontriga('q')");
            // the local table has another name: events carry the queue's
            assertThat(triggers(s, "public.p")).first().isEqualTo("_londiste_q: CREATE TRIGGER _londiste_q AFTER"
                    + " INSERT OR DELETE OR UPDATE ON public.p FOR EACH ROW EXECUTE FUNCTION"
                    + " pgq.logutriga('q', 'ev_extra1=''public.gl''')");
            assertThat(s.rows("select table_name, table_attrs, dest_table from londiste.table_info order by nr"))
                    .extracting(r -> r.get("table_name") + " " + r.get("table_attrs") + " " + r.get("dest_table"))
                    .containsExactly("S q.t2 skip_truncate=1 null", "public.We ird a=1 null", "public.j null null",
                            "public.gl null public.p");
            // a new handler: new attributes, the trigger made anew with the new arguments
            expect(s, 200, "Handler changed for table: public.j", "local_change_handler", "q", "public.j",
                    args("tgflags=IQ"), "handler=x");
            assertThat(triggers(s, "public.j")).first().isEqualTo("_londiste_q: CREATE TRIGGER _londiste_q AFTER"
                    + " INSERT ON public.j FOR EACH ROW EXECUTE FUNCTION pgq.sqltriga('q')");
            expect(s, 200, "Table handler updated with no triggers: public.j", "local_change_handler", "q", "public.j",
                    args("no_triggers"), "handler=y");
            expect(s, 404, "no such local table: j", "local_change_handler", "q", "j", args(), null);
            expect(s, 400, "No such set: nq", "local_change_handler", "nq", "public.j", args(), null);
            // create_trigger itself: trigger_name stays NULL, as in Skytools
            assertThat(call(s, "create_trigger", "q", "public.j", args(), "public.j", "root"))
                    .containsEntry("ret_code", 200).containsEntry("ret_note", "OK").containsEntry("trigger_name", null);
            assertThat(call(s, "create_trigger", "q", "public.j", args("virtual_table"), "public.j", "root"))
                    .containsEntry("ret_code", 201).containsEntry("ret_note", "Trigger not created");
        }
    }

    @Test
    void skipTriggersSortLastAndRefuseAfterTriggers() throws Exception {
        try (Sql s = PG.db().open()) {
            root(s, "q");
            root(s, "r");
            s.exec("create table public.p (id int primary key)");
            expect(s, 200, "Table added: public.p", "local_add_table", "q", "p", args("tgflags=BS"));
            assertThat(triggers(s, "public.p")).contains("zzz__londiste_q: CREATE TRIGGER zzz__londiste_q BEFORE"
                    + " INSERT OR DELETE OR UPDATE ON public.p FOR EACH ROW EXECUTE FUNCTION pgq.logutriga('q', 'SKIP')");
            expect(s, 403, "Trigger creation failed for table public.p: AFTER trigger cannot work with SKIP trigger(s)",
                    "local_add_table", "r", "p");
        }
    }

    @Test
    void virtualTablesAndArgumentConflicts() throws Exception {
        try (Sql s = PG.db().open()) {
            root(s, "q");
            s.exec("create table public.t (id int primary key)");
            expect(s, 200, "Table added with no triggers: public.virt", "local_add_table", "q", "virt", args("virtual_table"));
            expect(s, 405, "Cannot use merge-all and no-merge together", "local_add_table", "q", "t",
                    args("merge_all", "no_merge"));
            assertThat(s.value("select merge_state from londiste.table_info where table_name = 'public.virt'")).isEqualTo("ok");
            assertThat(s.value("select count(*) from londiste.table_info where table_name = 'public.t'")).isEqualTo(0L);
        }
    }

    @Test
    void onBranchTheTableMustBeOnTheQueueAndNeedsACopy() throws Exception {
        try (Sql s = PG.db().open()) {
            branch(s, "b");
            s.exec("create table public.c (id int primary key)");
            s.exec("create table public.p (id int primary key)");
            expect(s, 404, "Table not available on queue: public.c", "local_add_table", "b", "c");
            expect(s, 200, "Table added: c", "global_add_table", "b", "c");
            expect(s, 200, "Table already added: public.c", "global_add_table", "b", "public.c");
            expect(s, 400, "No such queue: nq", "global_add_table", "nq", "c");
            expect(s, 200, "Table added: p", "global_add_table", "b", "p");
            expect(s, 200, "Table added: public.c", "local_add_table", "b", "c", args("expect_sync"));
            expect(s, 200, "Table added: public.p", "local_add_table", "b", "p");
            assertThat(s.rows("select * from londiste.get_table_list('b')")).containsExactly(
                    row("public.c", true, "ok", null, null, null, null, 0, null),
                    row("public.p", true, null, null, null, null, null, 0, null));
            // the copy states the workers go through
            expect(s, 200, "Table public.p state set to 'in-copy'", "local_set_table_state", "b", "p", "1:2:", "in-copy");
            expect(s, 200, "Table public.p state set to NULL", "local_set_table_state", "b", "public.p", null, null);
            expect(s, 200, "Table public.p state set to 'catching-up'", "local_set_table_state", "b", "p", "1:2:",
                    "catching-up");
            expect(s, 404, "No such table: public.zz", "local_set_table_state", "b", "zz", null, null);
            expect(s, 200, "public.p: Table attributes stored", "local_set_table_attrs", "b", "public.p", "copy_node=n1");
            expect(s, 404, "no such local table: p", "local_set_table_attrs", "b", "p", "x");
            expect(s, 200, "Table struct stored", "local_set_table_struct", "b", "public.p", "create index on public.p (id)");
            expect(s, 404, "no such local table: p", "local_set_table_struct", "b", "p", "x");
            assertThat(s.rows("select * from londiste.get_table_list('b')")).containsExactly(
                    row("public.c", true, "ok", null, null, null, null, 0, null),
                    row("public.p", true, "catching-up", "1:2:", "copy_node=n1", "create index on public.p (id)",
                            null, 0, null));
            // dropped DDL only while copying
            assertThat(s.error("select * from londiste.local_set_table_state('b', 'p', null, 'ok')"))
                    .contains("table_info_check");
            assertThat(s.column("select obj_kind || ' ' || obj_name from londiste.local_show_missing('b')")).isEmpty();
            // removal on a subscriber: the DDL comes back on an emptied table, the triggers go
            // (rows come in by replay, with the triggers off)
            s.exec("select londiste.set_session_replication_role('replica', false)");
            s.exec("insert into public.p values (1)");
            s.exec("select londiste.set_session_replication_role('origin', false)");
            expect(s, 200, "Table removed: public.p", "local_remove_table", "b", "p");
            assertThat(s.value("select count(*) from public.p")).isEqualTo(0L);
            assertThat(s.value("select count(*) from pg_indexes where tablename = 'p'")).isEqualTo(2L);
            assertThat(triggers(s, "public.p")).isEmpty();
            expect(s, 400, "Table not registered locally: public.p", "local_remove_table", "b", "p");
            expect(s, 400, "Table not found: public.zz", "local_remove_table", "b", "zz");
            assertThat(s.column("select obj_kind || ' ' || obj_name from londiste.local_show_missing('b')"))
                    .containsExactly("r public.p");
            // global removal drops the row and, through it, the triggers
            assertThat(triggers(s, "public.c")).hasSize(2);
            expect(s, 200, "Table removed: c", "global_remove_table", "b", "c");
            expect(s, 400, "Table not found: public.c", "global_remove_table", "b", "c");
            assertThat(triggers(s, "public.c")).isEmpty();
        }
    }

    @Test
    void onLeafTheTriggersDenyChanges() throws Exception {
        try (Sql s = PG.db().open()) {
            leaf(s, "l");
            s.exec("create table public.t (id int primary key)");
            expect(s, 200, "Table added: t", "global_add_table", "l", "t");
            expect(s, 200, "Table added: public.t", "local_add_table", "l", "t");
            assertThat(triggers(s, "public.t")).containsExactly(
                    "_londiste_l: CREATE TRIGGER _londiste_l AFTER INSERT OR DELETE OR UPDATE ON public.t"
                            + " FOR EACH ROW EXECUTE FUNCTION pgq.logutriga('l', 'deny')",
                    "_londiste_l_truncate: CREATE TRIGGER _londiste_l_truncate AFTER TRUNCATE ON public.t"
                            + " FOR EACH STATEMENT EXECUTE FUNCTION pgq.sqltriga('l', 'deny')");
            assertThat(s.value("select merge_state from londiste.table_info")).isNull();
        }
    }

    @Test
    void removeOnRootLeavesTheQueueAndAnnouncesIt() throws Exception {
        try (Sql s = PG.db().open()) {
            root(s, "q");
            s.exec("create table public.\"We ird\" (id serial primary key)");
            expect(s, 200, "Table added: public.We ird", "local_add_table", "q", "We ird");
            expect(s, 200, "Sequence added: public.We ird_id_seq", "local_add_seq", "q", "We ird_id_seq");
            expect(s, 200, "Table removed: public.We ird", "local_remove_table", "q", "We ird");
            expect(s, 400, "Table not found: public.We ird", "local_remove_table", "q", "We ird");
            assertThat(triggers(s, "public.\"We ird\"")).isEmpty();
            assertThat(s.value("select count(*) from londiste.table_info")).isEqualTo(0L);
            // its serial sequence went with it
            assertThat(s.value("select count(*) from londiste.seq_info")).isEqualTo(0L);
            assertThat(events(s, "q")).containsExactly("londiste.add-table|public.We ird||",
                    "londiste.update-seq|30001|public.We ird_id_seq|", "londiste.remove-seq|public.We ird_id_seq||",
                    "londiste.remove-table|public.We ird||");
            assertThat(s.column("select obj_kind || ' ' || obj_name from londiste.local_show_missing('q')"))
                    .containsExactly("S public.We ird_id_seq", "r public.We ird");
        }
    }

    @Test
    void badInputGetsSkytoolsCodesAndChangesNothing() throws Exception {
        try (Sql s = PG.db().open()) {
            root(s, "q");
            s.exec("create table public.t (id int primary key)");
            s.exec("create table public.nopk (id int)");
            var before = state(s);
            expect(s, 400, "Primary key missing on table: public.nopk", "local_add_table", "q", "nopk");
            expect(s, 404, "Table does not exist: public.missing", "local_add_table", "q", "missing");
            expect(s, 400, "No such set: nq", "local_add_table", "nq", "t");
            expect(s, 404, "Table does not exist: t; drop table public.t; --", "local_add_table", "q",
                    "t; drop table public.t; --");
            expect(s, 404, "Table does not exist: public.T", "local_add_table", "q", "T");
            expect(s, 404, "Table does not exist: public.\"t\"", "local_add_table", "q", "\"t\"");
            expect(s, 404, "Table does not exist: x.t') or true --", "local_add_table", "q", "x.t') or true --");
            expect(s, 400, "Table not found: public.t", "local_remove_table", "q", "t");
            expect(s, 400, "Table not found: public.t", "local_remove_table", "nq", "public.t");
            expect(s, 400, "No such queue: nq", "global_add_table", "nq", "t");
            assertThat(state(s)).isEqualTo(before);
        }
    }

    @Test
    void namesAreSplitAtTheFirstDotAndQuotedPartByPart() throws Exception {
        try (Sql s = PG.db().open()) {
            assertThat(s.row("select londiste.quote_fqname('a.B c.d') q, londiste.make_fqname('X') m,"
                    + " (londiste.split_fqname('x')).schema_part sp, (londiste.split_fqname('s.x.y')).name_part np"))
                    .isEqualTo(Map.of("q", "a.\"B c.d\"", "m", "public.X", "sp", "public", "np", "x.y"));
            s.exec("create table public.\"Mixed\" (\"Id\" int, v text, id int primary key)");
            assertThat(s.value("select londiste.find_table_oid('public.Mixed') = 'public.\"Mixed\"'::regclass")).isEqualTo(true);
            assertThat(s.value("select londiste.find_table_oid('Mixed') is not null")).isEqualTo(true);
            assertThat(s.value("select londiste.find_seq_oid('public.Mixed')")).isNull();
            assertThat(s.value("select londiste.find_rel_oid('pg_catalog.pg_class', 'r') = 'pg_class'::regclass")).isEqualTo(true);
            // Skytools marks the first columns, as many as the key has; ours the key's own (compatibility.md)
            assertThat(s.value("select londiste.find_column_types('Mixed')")).isEqualTo(skytools() ? "kvv" : "vvk");
            s.exec("create table public.k2 (id int primary key, v text)");
            assertThat(s.value("select londiste.find_column_types('k2')")).isEqualTo("kv");
            assertThat(s.value("select londiste.find_column_types('nothing')")).isEqualTo("");
        }
    }
}
