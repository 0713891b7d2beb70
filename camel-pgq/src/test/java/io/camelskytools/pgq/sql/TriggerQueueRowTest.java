package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;

/**
 * Londiste's root trigger writes its events into the queue's current table (ours: straight
 * from logutriga's fast path, which keeps that table for the transaction as insert_event does;
 * Skytools: through insert_event). A rotation, a queue whose inserts are disabled or limited,
 * or a dropped queue must reach the trigger's very next event either way.
 */
class TriggerQueueRowTest extends PgqSqlTestSupport {

    private static Sql open() throws Exception {
        Sql s = PG.db().open();
        s.exec("select pgq.create_queue('q')");
        s.exec("select pgq.set_queue_config('q', 'rotation_period', '0')");
        s.exec("create table acc (id int primary key, bal int, note text)");
        s.exec("create trigger _londiste_q after insert or update or delete on acc"
                + " for each row execute procedure pgq.logutriga('q')");
        return s;
    }

    /** "table | ev_type | ev_data" of every event of queue q, in id order. */
    private static List<Object> placed(Sql s) throws Exception {
        String parent = (String) s.value("select queue_data_pfx from pgq.queue where queue_name = 'q'");
        return s.column("select e.tableoid::regclass::text || ' | ' || e.ev_type || ' | ' || e.ev_data from "
                + parent + " e order by e.ev_id");
    }

    @Test
    void rotationInTheSameTransactionMovesTheNextEvent() throws Exception {
        try (Sql s = open()) {
            // a first transaction keeps the table's shape: the next ones take the fast path
            s.exec("insert into acc values (1, 10, 'plain')");
            s.begin();
            String first = currentEventTable(s, "q");
            s.exec("update acc set bal = 11 where id = 1");
            s.exec("insert into acc values (2, 20, 'not plain: & =')");
            s.exec("select pgq.maint_rotate_tables_step1('q')");
            String second = currentEventTable(s, "q");
            s.exec("update acc set bal = 12 where id = 1");
            s.exec("delete from acc where id = 2");
            s.commit();
            assertThat(second).isNotEqualTo(first);
            assertThat(placed(s)).containsExactly(
                    first + " | I:id | id=1&bal=10&note=plain",
                    first + " | U:id | id=1&bal=11&note=plain",
                    first + " | I:id | id=2&bal=20&note=not+plain%3a+%26+%3d",
                    second + " | U:id | id=1&bal=12&note=plain",
                    second + " | D:id | id=2&bal=20&note=not+plain%3a+%26+%3d");
        }
    }

    @Test
    void insertsDisabledOrLimitedInTheSameTransactionReachTheNextEvent() throws Exception {
        try (Sql s = open()) {
            s.exec("insert into acc values (1, 10, 'a')");
            s.begin();
            s.exec("update acc set bal = 11 where id = 1");
            s.exec("update pgq.queue set queue_disable_insert = true where queue_name = 'q'");
            assertThat(s.error("update acc set bal = 12 where id = 1")).isEqualTo("Insert into queue disallowed");
            s.rollback();
            s.begin();
            s.exec("update pgq.queue set queue_per_tx_limit = 1 where queue_name = 'q'");
            s.exec("update acc set bal = 13 where id = 1");
            assertThat(s.error("update acc set bal = 14 where id = 1")).isEqualTo("Queue 'q' allows max 1 events from one TX");
            s.rollback();
            assertThat(placed(s)).extracting(p -> ((String) p).replaceAll("^[^|]*\\| ", ""))
                    .containsExactly("I:id | id=1&bal=10&note=a");
        }
    }

    @Test
    void aQueueDroppedInTheTransactionRefusesTheNextEvent() throws Exception {
        try (Sql s = open()) {
            s.exec("insert into acc values (1, 10, 'a')");
            s.begin();
            s.exec("update acc set bal = 11 where id = 1");
            s.exec("select pgq.drop_queue('q', true)");
            assertThat(s.error("update acc set bal = 12 where id = 1")).isEqualTo("No such queue");
            s.rollback();
        }
    }

    /**
     * session_replication_role = local turns the trigger off, also when set in the middle of a
     * session whose trigger calls are planned already, and inside a transaction only.
     */
    @Test
    void replicationRoleLocalTurnsTheFastPathOffAndBackOn() throws Exception {
        try (Sql s = open()) {
            s.exec("insert into acc values (1, 10, 'a')");
            s.exec("update acc set bal = 11 where id = 1");
            s.exec("set session_replication_role = local");
            s.exec("update acc set bal = 12 where id = 1");
            s.exec("set session_replication_role = origin");
            s.exec("update acc set bal = 13 where id = 1");
            s.begin();
            s.exec("set local session_replication_role = local");
            s.exec("update acc set bal = 14 where id = 1");
            s.commit();
            s.exec("update acc set bal = 15 where id = 1");
            s.begin();
            s.exec("select pg_catalog.set_config('session_replication_role', 'local', true)");
            s.exec("update acc set bal = 16 where id = 1");
            s.rollback();
            s.exec("update acc set bal = 17 where id = 1");
            assertThat(placed(s)).extracting(p -> ((String) p).replaceAll("^[^|]*\\| ", "")).containsExactly(
                    "I:id | id=1&bal=10&note=a", "U:id | id=1&bal=11&note=a", "U:id | id=1&bal=13&note=a",
                    "U:id | id=1&bal=15&note=a", "U:id | id=1&bal=17&note=a");
        }
    }

    /** Another session disables inserts while a transaction is writing: read committed, the next event sees it. */
    @Test
    void insertsDisabledByAnotherSessionMidTransaction() throws Exception {
        try (Sql s = open(); Sql other = PG.db().open()) {
            s.exec("insert into acc values (1, 10, 'a')");
            s.begin();
            s.exec("update acc set bal = 11 where id = 1");
            other.exec("update pgq.queue set queue_disable_insert = true where queue_name = 'q'");
            assertThat(s.error("update acc set bal = 12 where id = 1")).isEqualTo("Insert into queue disallowed");
            s.rollback();
            assertThat(placed(s)).hasSize(1);
            other.exec("update pgq.queue set queue_disable_insert = false where queue_name = 'q'");
            s.exec("update acc set bal = 13 where id = 1");
            assertThat(placed(s)).hasSize(2);
        }
    }

    /**
     * Rotations by another session, committed before the next event or only while a
     * transaction goes on, move the trigger's next event; a consumer reads every event.
     * (Ours keeps the current table in the table's shape from one transaction to the next.)
     */
    @Test
    void rotationsByAnotherSessionMoveTheNextEventAndLoseNothing() throws Exception {
        try (Sql s = open(); Sql other = PG.db().open()) {
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("insert into acc values (1, 10, 'a')");
            s.exec("insert into acc values (2, 20, 'b')");
            String first = currentEventTable(s, "q");
            // (a consumer still at the queue's first tick would hold the rotation back)
            tick(s, "q");
            assertThat(consume(s, "q", "c")).containsExactly("id=1&bal=10&note=a", "id=2&bal=20&note=b");
            other.exec("select pgq.maint_rotate_tables_step1('q')");
            other.exec("select pgq.maint_rotate_tables_step2()");
            String second = currentEventTable(s, "q");
            s.exec("update acc set bal = 11 where id = 1");
            tick(s, "q");
            assertThat(consume(s, "q", "c")).containsExactly("id=1&bal=11&note=a");

            // a rotation that is not committed yet: the committed table until it is
            other.begin();
            other.exec("select pgq.maint_rotate_tables_step1('q')");
            s.exec("update acc set bal = 12 where id = 1");
            s.begin();
            s.exec("update acc set bal = 22 where id = 2");
            other.commit();
            s.exec("update acc set bal = 13 where id = 1");
            s.commit();
            String third = currentEventTable(s, "q");
            s.exec("update acc set bal = 14 where id = 1");
            s.exec("delete from acc where id = 2");
            other.exec("select pgq.maint_rotate_tables_step2()");
            tick(s, "q");
            assertThat(consume(s, "q", "c")).containsExactly("id=1&bal=12&note=a", "id=2&bal=22&note=b",
                    "id=1&bal=13&note=a", "id=1&bal=14&note=a", "id=2&bal=22&note=b");
            assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
            assertThat(placed(s)).extracting(p -> ((String) p).replaceAll(" \\|.*", ""))
                    .containsExactly(first, first, second, second, second, third, third, third);
        }
    }

    /** A rotation rolled back in the writing session leaves the next transaction's events where they were. */
    @Test
    void aRotationRolledBackLeavesTheTable() throws Exception {
        try (Sql s = open()) {
            s.exec("insert into acc values (1, 10, 'a')");
            String first = currentEventTable(s, "q");
            s.begin();
            s.exec("select pgq.maint_rotate_tables_step1('q')");
            s.exec("update acc set bal = 11 where id = 1");
            s.rollback();
            s.exec("update acc set bal = 12 where id = 1");
            s.exec("update acc set bal = 13 where id = 1");
            assertThat(currentEventTable(s, "q")).isEqualTo(first);
            assertThat(placed(s)).containsExactly(first + " | I:id | id=1&bal=10&note=a",
                    first + " | U:id | id=1&bal=12&note=a", first + " | U:id | id=1&bal=13&note=a");
        }
    }

    /**
     * A REPEATABLE READ transaction writes into the table its snapshot shows, as Skytools'
     * trigger does; its events are read all the same, and read committed ones after it
     * follow the rotation.
     */
    @Test
    void aRepeatableReadTransactionWritesWhereItsSnapshotSays() throws Exception {
        try (Sql s = open(); Sql other = PG.db().open()) {
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("insert into acc values (1, 10, 'a')");
            String first = currentEventTable(s, "q");
            tick(s, "q");
            assertThat(consume(s, "q", "c")).containsExactly("id=1&bal=10&note=a");
            s.begin();
            s.exec("set transaction isolation level repeatable read");
            s.exec("update acc set bal = 11 where id = 1");
            other.exec("select pgq.maint_rotate_tables_step1('q')");
            s.exec("insert into acc values (2, 20, 'b')");
            s.commit();
            String second = currentEventTable(s, "q");
            s.exec("update acc set bal = 12 where id = 1");
            s.exec("update acc set bal = 13 where id = 1");
            other.exec("select pgq.maint_rotate_tables_step2()");
            tick(s, "q");
            assertThat(consume(s, "q", "c")).containsExactly("id=1&bal=11&note=a",
                    "id=2&bal=20&note=b", "id=1&bal=12&note=a", "id=1&bal=13&note=a");
            assertThat(second).isNotEqualTo(first);
            assertThat(placed(s)).extracting(p -> ((String) p).replaceAll(" \\|.*", ""))
                    .containsExactly(first, first, first, second, second);
        }
    }
}
