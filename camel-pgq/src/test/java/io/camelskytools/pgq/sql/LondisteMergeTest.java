package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Partition merge: two part queues (merge leaves p1 and p2) feed one combined queue c (a root
 * here). Adding a table there (merge-all, no-merge, the 405s), the copy roles of
 * _coordinate_copy as get_table_list shows them, which queue restores a pending fkey, and
 * SKIP triggers (renamed to sort last; two of them refused).
 */
class LondisteMergeTest extends LondisteTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withLondiste();

    static void mergeSet(Sql s) throws Exception {
        root(s, "c");
        for (String p : List.of("1", "2")) {
            s.exec("select * from pgq_node.register_location('p" + p + "', 'src" + p + "', 'dbname=s" + p + "', false)");
            s.exec("select * from pgq_node.register_location('p" + p + "', 'm" + p + "', 'dbname=m', false)");
            s.exec("select * from pgq_node.create_node('p" + p + "', 'leaf', 'm" + p + "', 'w" + p + "', 'src" + p
                    + "', 1, 'c')");
        }
        s.exec("create table public.t (id int primary key, v text)");
        expect(s, 200, "Table added: t", "global_add_table", "p1", "t");
        expect(s, 200, "Table added: t", "global_add_table", "p2", "t");
    }

    static List<Object> tables(Sql s) throws Exception {
        return s.column("select concat_ws(' ', queue_name, table_name, local::text, coalesce(merge_state, '-'))"
                + " from londiste.table_info order by 1");
    }

    /** "queue state dropped_ddl? copy_role copy_pos" of t in both part queues. */
    static List<Object> roles(Sql s) throws Exception {
        return s.column("select concat_ws(' ', q, merge_state, (dropped_ddl is not null)::text, coalesce(copy_role, '-'), copy_pos)"
                + " from (select 'p1' q, * from londiste.get_table_list('p1')"
                + "       union all select 'p2', * from londiste.get_table_list('p2')) x"
                + " where table_name = 'public.t' order by q");
    }

    @Test
    void aMergedTableNeedsMergeAllOrNoMerge() throws Exception {
        try (Sql s = PG.db().open()) {
            mergeSet(s);
            // the combined queue knows the table too
            assertThat(tables(s)).containsExactly("c public.t false -", "p1 public.t false -", "p2 public.t false -");
            // (as in Skytools, the part is already marked local when the 405 comes)
            expect(s, 405, "Found multiple sources for table public.t, use merge-all or no-merge to continue",
                    "local_add_table", "p1", "t");
            assertThat(tables(s)).containsExactly("c public.t false -", "p1 public.t true -", "p2 public.t false -");
            expect(s, 405, "Found local table public.t in queue p1, use remove-table first to remove all previous"
                    + " table subscriptions", "local_add_table", "p2", "t");
            expect(s, 200, "Table removed: public.t", "local_remove_table", "p1", "t");
            expect(s, 200, "Table added: public.t", "local_add_table", "p1", "t", args("no_merge"));
            // p2 stayed marked local by its own 405
            assertThat(tables(s)).containsExactly("c public.t false -", "p1 public.t true -", "p2 public.t true -");
            // merge-all takes the other part's row along, and the combined root replicates it
            s.exec("create table public.r (id int primary key)");
            expect(s, 200, "Table added: r", "global_add_table", "p1", "r");
            expect(s, 200, "Table added: r", "global_add_table", "p2", "r");
            expect(s, 200, "Table added: public.r", "local_add_table", "p1", "r", args("merge_all"));
            assertThat(s.column("select concat_ws(' ', queue_name, local::text, coalesce(merge_state, '-'))"
                    + " from londiste.table_info where table_name = 'public.r' order by 1"))
                    .containsExactly("c true ok", "p1 true -", "p2 true -");
            assertThat(events(s, "c")).containsExactly("londiste.add-table|public.r||");
            // the combined root logs the table's changes; the leaf's triggers deny them (replay
            // runs as replica, where neither fires)
            assertThat(triggers(s, "public.r")).containsExactly(
                    "_londiste_c: CREATE TRIGGER _londiste_c AFTER INSERT OR DELETE OR UPDATE ON public.r"
                            + " FOR EACH ROW EXECUTE FUNCTION pgq.logutriga('c')",
                    "_londiste_c_truncate: CREATE TRIGGER _londiste_c_truncate AFTER TRUNCATE ON public.r"
                            + " FOR EACH STATEMENT EXECUTE FUNCTION pgq.sqltriga('c')",
                    "_londiste_p1: CREATE TRIGGER _londiste_p1 AFTER INSERT OR DELETE OR UPDATE ON public.r"
                            + " FOR EACH ROW EXECUTE FUNCTION pgq.logutriga('p1', 'deny')",
                    "_londiste_p1_truncate: CREATE TRIGGER _londiste_p1_truncate AFTER TRUNCATE ON public.r"
                            + " FOR EACH STATEMENT EXECUTE FUNCTION pgq.sqltriga('p1', 'deny')");
        }
    }

    @Test
    void copyRolesOfTheParts() throws Exception {
        try (Sql s = PG.db().open()) {
            mergeSet(s);
            expect(s, 200, "Table added: public.t", "local_add_table", "p1", "t", args("merge_all"));
            expect(s, 200, "Table public.t state set to 'in-copy'", "local_set_table_state", "p1", "t", null, "in-copy");
            expect(s, 200, "Table public.t state set to 'in-copy'", "local_set_table_state", "p2", "t", null, "in-copy");
            // the first part leads, the other waits for its copy
            assertThat(roles(s)).containsExactly("p1 in-copy false lead 0", "p2 in-copy false wait-copy 1");
            // the part that dropped the DDL leads
            expect(s, 200, "Table struct stored", "local_set_table_struct", "p2", "public.t", "create index x on public.t (v)");
            assertThat(roles(s)).containsExactly("p1 in-copy false wait-replay 0", "p2 in-copy true lead 0");
            // copied: everyone waits for replay
            expect(s, 200, "Table public.t state set to 'catching-up'", "local_set_table_state", "p2", "t", "1:1:",
                    "catching-up");
            assertThat(roles(s)).containsExactly("p1 in-copy false wait-replay 0", "p2 catching-up true wait-replay 0");
            assertThat(s.row("select * from londiste._coordinate_copy('p1', 'public.nothing')"))
                    .containsEntry("copy_role", null).containsEntry("copy_pos", null);
            // without a key only while another part has its DDL dropped
            s.exec("create table public.nokey (id int)");
            s.exec("select * from londiste.global_add_table('p1', 'nokey')");
            expect(s, 400, "Primary key missing on table: public.nokey", "local_add_table", "p1", "nokey");
        }
    }

    @Test
    void theCombinedRootRestoresTheFkeysOfItsTables() throws Exception {
        try (Sql s = PG.db().open()) {
            mergeSet(s);
            expect(s, 200, "Table added: public.t", "local_add_table", "p1", "t", args("merge_all", "expect_sync"));
            s.exec("create table public.r (id int primary key, tid int constraint r_t references public.t (id))");
            expect(s, 200, "Table added: r", "global_add_table", "p1", "r");
            expect(s, 200, "Table added: public.r", "local_add_table", "p1", "r", args("expect_sync", "merge_all"));
            assertThat(s.value("select londiste.drop_table_fkey('public.r', 'r_t')")).isEqualTo(1);
            // both tables are local and ok in c, p1 and p2; p1 is the part whose combined queue is the root
            assertThat(s.column("select 'p1 ' || fkey_name from londiste.get_valid_pending_fkeys('p1')"
                    + " union all select 'p2 ' || fkey_name from londiste.get_valid_pending_fkeys('p2')"
                    + " union all select 'c ' || fkey_name from londiste.get_valid_pending_fkeys('c')"))
                    .containsExactly("p1 r_t");
        }
    }

    @Test
    void skipTriggersAreRenamedToSortLastAndOnlyOneIsAllowed() throws Exception {
        try (Sql s = PG.db().open()) {
            root(s, "c");
            s.exec("create table public.s3 (id int primary key)");
            s.exec("create trigger plain_skip before insert on public.s3 for each row execute procedure"
                    + " pgq.logutriga('other', 'SKIP')");
            expect(s, 200, "Table added: public.s3", "local_add_table", "c", "s3", args("tgflags=BS"));
            assertThat(triggers(s, "public.s3")).containsExactly(
                    "_londiste_c: CREATE TRIGGER _londiste_c BEFORE INSERT OR DELETE OR UPDATE ON public.s3"
                            + " FOR EACH ROW EXECUTE FUNCTION pgq.logutriga('c')",
                    "_londiste_c_truncate: CREATE TRIGGER _londiste_c_truncate AFTER TRUNCATE ON public.s3"
                            + " FOR EACH STATEMENT EXECUTE FUNCTION pgq.sqltriga('c')",
                    "zzz_plain_skip: CREATE TRIGGER zzz_plain_skip BEFORE INSERT ON public.s3"
                            + " FOR EACH ROW EXECUTE FUNCTION pgq.logutriga('other', 'SKIP')");

            s.exec("create table public.s2 (id int primary key)");
            s.exec("create trigger \"Weird Skip\" before insert on public.s2 for each row execute procedure"
                    + " pgq.logutriga('other', 'SKIP')");
            if (skytools()) {
                // Skytools pastes the name into its alter trigger unquoted (compatibility.md)
                assertThat(s.error("select * from londiste.local_add_table('c', 's2', '{tgflags=BS}')"))
                        .startsWith("syntax error at or near \"Skip\"");
            } else {
                expect(s, 200, "Table added: public.s2", "local_add_table", "c", "s2", args("tgflags=BS"));
                assertThat(s.column("select tgname from pg_trigger where tgrelid = 'public.s2'::regclass order by 1"))
                        .containsExactly("_londiste_c", "_londiste_c_truncate", "zzz_Weird Skip");
            }

            s.exec("create table public.s4 (id int primary key)");
            s.exec("create trigger a_skip before insert on public.s4 for each row execute procedure pgq.logutriga('o', 'SKIP')");
            s.exec("create trigger b_skip before insert on public.s4 for each row execute procedure pgq.logutriga('p', 'SKIP')");
            expect(s, 405, "Trigger creation failed for table public.s4: Multiple SKIP triggers", "local_add_table",
                    "c", "s4", args("tgflags=BS"));
        }
    }

    @Test
    void truncateAndRowChangesGoIntoTheQueue() throws Exception {
        try (Sql s = PG.db().open()) {
            root(s, "q");
            s.exec("create table public.t (id int primary key, v text)");
            s.exec("create table public.u (id int primary key, v text)");
            expect(s, 200, "Table added: public.t", "local_add_table", "q", "t");
            expect(s, 200, "Table added: public.u", "local_add_table", "q", "u", args("tgflags=Q"));
            s.exec("insert into public.t values (1, 'a')");
            s.exec("update public.t set v = 'b'");
            s.exec("delete from public.t");
            s.exec("insert into public.u values (2, 'x')");
            s.exec("truncate public.t");
            assertThat(events(s, "q")).containsExactly("londiste.add-table|public.t||", "londiste.add-table|public.u||",
                    "I:id|id=1&v=a|public.t|", "U:id|id=1&v=b|public.t|", "D:id|id=1&v=b|public.t|",
                    "I|(id,v) values ('2','x')|public.u|", "R||public.t|");
        }
    }
}
