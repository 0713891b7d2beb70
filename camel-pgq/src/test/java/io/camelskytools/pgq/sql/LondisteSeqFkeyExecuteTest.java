package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sequences (published ahead by the root, applied forward only on subscribers), foreign keys
 * dropped for a copy and restored (at once and lazily), EXECUTE bookkeeping, events from the
 * root only, partitions, maintenance and the replication role; every return code.
 */
class LondisteSeqFkeyExecuteTest extends LondisteTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withLondiste();

    @Test
    void sequencesOnRootArePublishedAhead() throws Exception {
        try (Sql s = PG.db().open()) {
            root(s, "q");
            s.exec("create sequence public.s1");
            expect(s, 200, "Sequence added: public.s1", "local_add_seq", "q", "s1");
            expect(s, 201, "Sequence already added: public.s1", "local_add_seq", "q", "public.s1");
            expect(s, 400, "Sequence not found: public.nos", "local_add_seq", "q", "nos");
            assertThat(s.rows("select * from londiste.get_seq_list('q')"))
                    .containsExactly(Map.of("seq_name", "public.s1", "last_value", 30001L, "local", true));
            // within the buffer of the published value: published again, three buffers ahead
            expect(s, 100, "Sequences updated", "root_check_seqs", "q");
            s.exec("select setval('public.s1', 25000)");
            expect(s, 100, "Sequences updated", "root_check_seqs", "q", 5L);   // under 10: 10000
            expect(s, 404, "Queue not found: nq", "root_check_seqs", "nq", 100L);
            assertThat(events(s, "q")).containsExactly("londiste.update-seq|30001|public.s1|",
                    "londiste.update-seq|55000|public.s1|");
            expect(s, 200, "Sequence removed: public.s1", "local_remove_seq", "q", "s1");
            expect(s, 400, "Sequence not found: public.s1", "local_remove_seq", "q", "s1");
            expect(s, 402, "Must not run on root node", "global_update_seq", "q", "s1", 5L);
            assertThat(events(s, "q")).last().isEqualTo("londiste.remove-seq|public.s1||");
        }
    }

    @Test
    void sequencesOnSubscribersOnlyMoveForward() throws Exception {
        try (Sql s = PG.db().open()) {
            branch(s, "b");
            s.exec("create sequence public.s1");
            expect(s, 404, "Unknown sequence: public.s1", "local_add_seq", "b", "s1");
            expect(s, 200, "Sequence updated", "global_update_seq", "b", "s1", 500L);
            expect(s, 404, "Set not found: nq", "global_update_seq", "nq", "s1", 500L);
            expect(s, 402, "Not a root node", "root_check_seqs", "b");
            assertThat(s.value("select last_value from public.s1")).isEqualTo(1L);
            expect(s, 200, "Sequence added: public.s1", "local_add_seq", "b", "s1");
            assertThat(s.value("select last_value from public.s1")).isEqualTo(500L);
            expect(s, 200, "Sequence updated", "global_update_seq", "b", "public.s1", 400L);
            assertThat(s.value("select last_value from public.s1")).isEqualTo(500L);
            expect(s, 200, "Sequence updated", "global_update_seq", "b", "s1", 900L);
            assertThat(s.value("select last_value from public.s1")).isEqualTo(900L);
            assertThat(s.rows("select * from londiste.get_seq_list('b')"))
                    .containsExactly(Map.of("seq_name", "public.s1", "last_value", 900L, "local", true));
            expect(s, 200, "Sequence removed: public.s1", "local_remove_seq", "b", "s1");
            expect(s, 404, "Sequence not found: public.s1", "local_remove_seq", "b", "s1");
            assertThat(s.column("select obj_kind || ' ' || obj_name from londiste.local_show_missing('b')"))
                    .containsExactly("S public.s1");
            expect(s, 200, "Sequence removed: public.s1", "global_remove_seq", "b", "s1");
            expect(s, 400, "Sequence not found: public.s1", "global_remove_seq", "b", "s1");
        }
    }

    @Test
    void foreignKeysAreDroppedAndRestored() throws Exception {
        try (Sql s = PG.db().open()) {
            branch(s, "b");
            s.exec("create table public.p (id int primary key)");
            s.exec("create table public.c (id int primary key, pid int constraint \"c P fk\" references public.p (id))");
            String def = "alter table only public.c add constraint \"c P fk\" FOREIGN KEY (pid) REFERENCES p(id)";
            Map<String, Object> fk = Map.of("from_table", "public.c", "to_table", "public.p", "fkey_name", "c P fk",
                    "fkey_def", def);
            assertThat(s.rows("select * from londiste.find_table_fkeys('public.p')")).containsExactly(fk);
            assertThat(s.rows("select * from londiste.find_table_fkeys('c')")).containsExactly(fk);
            assertThat(s.value("select londiste.drop_table_fkey('public.c', 'c P fk')")).isEqualTo(1);
            assertThat(s.value("select londiste.drop_table_fkey('public.c', 'c P fk')")).isEqualTo(0);
            assertThat(s.rows("select * from londiste.find_table_fkeys('public.c')")).isEmpty();
            assertThat(s.rows("select * from londiste.get_table_pending_fkeys('public.p')")).containsExactly(fk);
            // not restorable while its tables are not both local and in sync
            s.exec("select * from londiste.global_add_table('b', 'p')");
            s.exec("select * from londiste.global_add_table('b', 'c')");
            s.exec("select * from londiste.local_add_table('b', 'p', '{expect_sync}')");
            assertThat(s.rows("select * from londiste.get_valid_pending_fkeys('b')")).isEmpty();
            s.exec("select * from londiste.local_add_table('b', 'c')");
            assertThat(s.rows("select * from londiste.get_valid_pending_fkeys('b')")).isEmpty();
            s.exec("select * from londiste.local_set_table_state('b', 'c', null, 'ok')");
            assertThat(s.rows("select * from londiste.get_valid_pending_fkeys('b')")).containsExactly(fk);
            // lazily: not valid first, then the validation, then nothing left
            String notValid = (String) s.value("select londiste.restore_table_fkey('public.c', 'c P fk', true)");
            assertThat(notValid).isEqualTo(def + " not valid");
            s.exec(notValid);
            String validate = (String) s.value("select londiste.restore_table_fkey('public.c', 'c P fk', true)");
            assertThat(validate).isEqualTo("alter table only public.c validate constraint \"c P fk\"");
            s.exec(validate);
            assertThat(s.value("select londiste.restore_table_fkey('public.c', 'c P fk', true)")).isEqualTo("");
            assertThat(s.value("select count(*) from londiste.pending_fkeys")).isEqualTo(0L);
            // at once
            assertThat(s.value("select londiste.drop_table_fkey('public.c', 'c P fk')")).isEqualTo(1);
            assertThat(s.value("select londiste.restore_table_fkey('public.c', 'c P fk')")).isEqualTo("");
            assertThat(s.value("select convalidated from pg_constraint where conname = 'c P fk'")).isEqualTo(true);
            assertThat(s.value("select londiste.restore_table_fkey('public.c', 'nothing')")).isEqualTo("");
        }
    }

    @Test
    void executeBookkeeping() throws Exception {
        try (Sql s = PG.db().open()) {
            root(s, "q");
            branch(s, "b");
            expect(s, 200, "Executing: f1.sql", "execute_start", "q", "f1.sql", "select 1", true, "Local-Table=x");
            expect(s, 201, "EXECUTE: \"f1.sql\" already applied, skipping", "execute_start", "q", "f1.sql", "select 1", true);
            expect(s, 401, "Node is not root node: b", "execute_start", "b", "f2.sql", "select 2", true);
            expect(s, 200, "Executing: f2.sql", "execute_start", "b", "f2.sql", "select 2", false);
            expect(s, 200, "Execute finished: f2.sql", "execute_finish", "b", "f2.sql");
            expect(s, 200, "Execute finished: f1.sql", "execute_finish", "q", "f1.sql");
            expect(s, 404, "execute_file called without execute_start", "execute_finish", "q", "nothing.sql");
            assertThat(events(s, "q")).containsExactly("EXECUTE|select 1|f1.sql|Local-Table=x");
            assertThat(events(s, "b")).isEmpty();
            assertThat(s.column("select queue_name || ' ' || execute_file || ' ' || coalesce(execute_attrs, '-')"
                    + " from londiste.applied_execute order by execute_file"))
                    .containsExactly("q f1.sql Local-Table=x", "b f2.sql -");
            assertThat(s.value("select londiste.periodic_maintenance()")).isEqualTo(0);
            s.exec("update londiste.applied_execute set execute_time = now() - interval '4 months' where execute_file = 'f1.sql'");
            assertThat(s.value("select londiste.periodic_maintenance()")).isEqualTo(0);
            assertThat(s.column("select execute_file from londiste.applied_execute")).containsExactly("f2.sql");
            // only the root sends events
            assertThat(s.value("select londiste.root_notify_change('q', 'x.y', 'z')")).isEqualTo(1);
            assertThat(s.error("select londiste.root_notify_change('b', 'x.y', 'z')")).isEqualTo("only root node can send events");
            assertThat(s.error("select londiste.root_notify_change('nq', 'x.y', 'z')")).isEqualTo("queue does not exist: nq");
            assertThat(events(s, "q")).last().isEqualTo("x.y|z||");
        }
    }

    @Test
    void replicationRoleForTheSessionOrTheTransaction() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select londiste.set_session_replication_role('replica', false)");
            assertThat(s.value("show session_replication_role")).isEqualTo("replica");
            s.begin();
            s.exec("select londiste.set_session_replication_role('local', true)");
            assertThat(s.value("show session_replication_role")).isEqualTo("local");
            s.commit();
            assertThat(s.value("show session_replication_role")).isEqualTo("replica");
            s.exec("select londiste.set_session_replication_role('origin', false)");
            assertThat(s.value("show session_replication_role")).isEqualTo("origin");
            assertThat(s.error("select londiste.set_session_replication_role('replica; reset all', false)"))
                    .isEqualTo("bad value for session_replication_role");
        }
    }

    @Test
    void partitionsAreMadeLikeTheParentAndDroppedWhenOld() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("create table public.ev (id int primary key, ts timestamptz default now())");
            s.exec("grant select on public.ev to public");
            s.exec("create trigger ev_t before insert on public.ev for each row execute procedure suppress_redundant_updates_trigger()");
            s.exec("alter table public.ev enable replica trigger ev_t");
            s.exec("create rule ev_r as on delete to public.ev do instead nothing");
            assertThat(s.value("select londiste.create_partition('public.ev', 'public.ev_2020_01', 'id', 'ts', '2020-01-15', 'month')"))
                    .isEqualTo(1);
            assertThat(s.value("select londiste.create_partition('public.ev', 'public.ev_2020_01', 'id', 'ts', '2020-01-15', 'month')"))
                    .isEqualTo(0);
            assertThat(s.value("select londiste.create_partition('ev', 'ev_2020_02', 'id', '', '2020-02-15', 'month')"))
                    .isEqualTo(1);
            assertThat(s.column("select pg_get_constraintdef(oid) from pg_constraint"
                    + " where conrelid = 'public.ev_2020_01'::regclass order by 1")).satisfiesExactly(
                    c -> assertThat(c.toString()).matches("CHECK \\(\\(\\(ts >= '2020-01-01 00:00:00[^']*'::timestamp with time zone\\)"
                            + " AND \\(ts < '2020-02-01 00:00:00[^']*'::timestamp with time zone\\)\\)\\)"),
                    c -> assertThat(c).isEqualTo("PRIMARY KEY (id)"));
            assertThat(triggers(s, "public.ev_2020_01")).containsExactly("ev_t: CREATE TRIGGER ev_t BEFORE INSERT ON"
                    + " public.ev_2020_01 FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger()");
            assertThat(s.value("select tgenabled::text from pg_trigger where tgrelid = 'public.ev_2020_01'::regclass")).isEqualTo("R");
            assertThat(s.value("select pg_get_ruledef(oid) from pg_rewrite where ev_class = 'public.ev_2020_01'::regclass"))
                    .isEqualTo("CREATE RULE ev_r AS\n    ON DELETE TO public.ev_2020_01 DO INSTEAD NOTHING;");
            assertThat(s.value("select has_table_privilege('public', 'public.ev_2020_01', 'select')")).isEqualTo(true);
            assertThat(s.value("select inhparent::regclass::text from pg_inherits where inhrelid = 'public.ev_2020_02'::regclass"))
                    .isEqualTo("ev");
            assertThat(s.error("select londiste.create_partition(null, 'x', 'id', '', now(), 'month')")).isEqualTo("need table and part");

            assertThat(s.row("select londiste.is_obsolete_partition('public.t_2001_01', '1 month', 'monthly') a,"
                    + " londiste.is_obsolete_partition('public.t_2999_01', '1 month', 'month') b,"
                    + " londiste.is_obsolete_partition('public.t', '1 month', 'month') c"))
                    .containsEntry("a", true).containsEntry("b", false).containsEntry("c", null);
            assertThat(s.error("select londiste.is_obsolete_partition('public.t', '1 month', 'weekly')"))
                    .isEqualTo("not supported i_partition_period: weekly");
            assertThat(s.column("select * from londiste.list_obsolete_partitions('public.ev', '1 month', 'month')"))
                    .containsExactly("public.ev_2020_01", "public.ev_2020_02");
            assertThat(s.column("select * from londiste.drop_obsolete_partitions('ev', '1 month', 'month')"))
                    .containsExactly("public.ev_2020_01", "public.ev_2020_02");
            assertThat(s.value("select to_regclass('public.ev_2020_01')")).isNull();
            assertThat(s.column("select * from londiste.list_obsolete_partitions('ev', '1 month', 'month')")).isEmpty();
        }
    }
}
