package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;

/**
 * insert_event reads the queue row once a transaction (ours, docs/compatibility.md) or on every
 * call (Skytools). A change of that row by the same session must reach its very next insert
 * either way; one committed by another session meanwhile is where the two differ.
 */
class InsertEventQueueRowTest extends PgqSqlTestSupport {

    private static Sql open() throws Exception {
        Sql s = PG.db().open();
        s.exec("select pgq.create_queue('q')");
        s.exec("select pgq.set_queue_config('q', 'rotation_period', '0')");
        return s;
    }

    /** "table | ev_data" of every event of queue q, in id order. */
    private static List<Object> placed(Sql s) throws Exception {
        String parent = (String) s.value("select queue_data_pfx from pgq.queue where queue_name = 'q'");
        return s.column("select e.tableoid::regclass::text || ' | ' || e.ev_data from " + parent + " e order by e.ev_id");
    }

    @Test
    void rotationInTheSameTransactionMovesTheNextInsert() throws Exception {
        try (Sql s = open()) {
            s.begin();
            String first = currentEventTable(s, "q");
            s.exec("select pgq.insert_event('q', 'x', '1')");
            s.exec("select pgq.insert_event_raw('q', null, null, null, null, 'x', '2', null, null, null, null)");
            s.exec("select pgq.maint_rotate_tables_step1('q')");
            String second = currentEventTable(s, "q");
            s.exec("select pgq.insert_event('q', 'x', '3')");
            s.exec("select pgq.insert_event('q', 'x', '4', null, null, null, null)");
            s.exec("select pgq.insert_event_raw('q', null, null, null, null, 'x', '5', null, null, null, null)");
            s.commit();
            assertThat(second).isNotEqualTo(first);
            assertThat(placed(s)).containsExactly(first + " | 1", first + " | 2", second + " | 3", second + " | 4",
                    second + " | 5");
        }
    }

    @Test
    void insertsDisabledInTheSameTransactionRefuseTheNextOne() throws Exception {
        try (Sql s = open()) {
            s.begin();
            s.exec("select pgq.insert_event('q', 'x', '1')");
            s.exec("update pgq.queue set queue_disable_insert = true where queue_name = 'q'");
            assertThat(s.error("select pgq.insert_event('q', 'x', '2')")).isEqualTo("Insert into queue disallowed");
            s.rollback();
            s.begin();
            s.exec("select pgq.insert_event('q', 'x', '3')");
            s.exec("update pgq.queue set queue_disable_insert = true where queue_name = 'q'");
            s.exec("set local session_replication_role = replica");
            s.exec("select pgq.insert_event('q', 'x', '4')");
            s.commit();
            assertThat(placed(s)).extracting(p -> ((String) p).replaceAll(".* \\| ", "")).containsExactly("3", "4");
        }
    }

    /** A rolled back savepoint takes its kept table with it; the transaction goes on inserting. */
    @Test
    void rolledBackSavepointAndDroppedQueue() throws Exception {
        try (Sql s = open()) {
            s.begin();
            s.exec("savepoint a");
            s.exec("select pgq.insert_event('q', 'x', '1')");
            s.exec("rollback to savepoint a");
            s.exec("select pgq.insert_event('q', 'x', '2')");
            s.commit();
            assertThat(placed(s)).extracting(p -> ((String) p).replaceAll(".* \\| ", "")).containsExactly("2");
            s.begin();
            s.exec("select pgq.insert_event('q', 'x', '3')");
            s.exec("select pgq.drop_queue('q', true)");
            assertThat(s.error("select pgq.insert_event('q', 'x', '4')")).isEqualTo("No such queue");
            s.rollback();
        }
    }

    /** Another session disables inserts while a transaction is writing. */
    @Test
    void insertsDisabledByAnotherSessionMidTransaction() throws Exception {
        try (Sql s = open(); Sql other = PG.db().open()) {
            s.begin();
            s.exec("select pgq.insert_event('q', 'x', '1')");
            other.exec("update pgq.queue set queue_disable_insert = true where queue_name = 'q'");
            if (skytools()) {
                // read committed: the next call reads the committed row
                assertThat(s.error("select pgq.insert_event('q', 'x', '2')")).isEqualTo("Insert into queue disallowed");
                s.rollback();
            } else {
                // ours: the transaction keeps what it read, as a REPEATABLE READ one does with Skytools
                s.exec("select pgq.insert_event('q', 'x', '2')");
                s.commit();
                assertThat(placed(s)).hasSize(2);
                assertThat(s.error("select pgq.insert_event('q', 'x', '3')")).isEqualTo("Insert into queue disallowed");
            }
        }
    }
}
