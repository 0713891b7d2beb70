package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;

/** Batches follow commit order through the tick snapshots, not ev_id order. */
class BatchSnapshotTest extends PgqSqlTestSupport {

    @Test
    void eventOfLongTransactionWaitsForItsCommit() throws Exception {
        try (Sql s = PG.db().open(); Sql longTx = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            longTx.begin();
            long slowId = longTx.longValue("select pgq.insert_event('q', 't', 'slow')");
            long fastId = s.longValue("select pgq.insert_event('q', 't', 'fast')");
            assertThat(slowId).isLessThan(fastId);
            tick(s, "q");
            assertThat(consume(s, "q", "c")).containsExactly("fast");
            // many ticks and unrelated traffic while the transaction stays open
            List<Object> during = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                for (int j = 0; j < 5; j++) {
                    s.exec("select pgq.insert_event('q', 't', ?)", "d" + i + "." + j);
                    during.add("d" + i + "." + j);
                }
                // other transactions raise the txid far past the open one
                for (int k = 0; k < 10; k++) {
                    s.exec("select txid_current()");
                }
                tick(s, "q");
            }
            List<Object> seen = new ArrayList<>();
            List<Object> batch;
            while ((batch = consume(s, "q", "c")) != null) {
                seen.addAll(batch);
            }
            assertThat(seen).containsExactlyElementsOf(during);
            longTx.commit();
            tick(s, "q");
            assertThat(consume(s, "q", "c")).containsExactly("slow");
            assertThat(consume(s, "q", "c")).isNull();
        }
    }

    @Test
    void interleavedTransactionsEachArriveOnce() throws Exception {
        int sessions = 4;
        List<Sql> open = new ArrayList<>();
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            for (int i = 0; i < sessions; i++) {
                open.add(PG.db().open());
            }
            List<Object> expected = new ArrayList<>();
            List<Object> seen = new ArrayList<>();
            // sessions commit in a rotating order with ticks in between
            for (int round = 0; round < 12; round++) {
                Sql tx = open.get(round % sessions);
                if (round >= sessions) {
                    tx.commit();
                }
                tx.begin();
                tx.exec("select pgq.insert_event('q', 't', ?)", "r" + round);
                expected.add("r" + round);
                tick(s, "q");
                List<Object> b;
                while ((b = consume(s, "q", "c")) != null) {
                    seen.addAll(b);
                }
            }
            for (Sql tx : open) {
                tx.commit();
            }
            tick(s, "q");
            List<Object> b;
            while ((b = consume(s, "q", "c")) != null) {
                seen.addAll(b);
            }
            assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            for (Sql tx : open) {
                tx.close();
            }
        }
    }

    @Test
    void batchSqlAndTables() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("select pgq.insert_event('q', 't', 'x')");
            tick(s, "q");
            long batch = s.longValue("select pgq.next_batch('q', 'c')");
            String sql = (String) s.value("select pgq.batch_event_sql(?)", batch);
            assertThat(s.column("select ev_data from (" + sql + ") e")).containsExactly("x");
            long qid = s.longValue("select queue_id from pgq.queue");
            // the first batch starts in the creating transaction's snapshot: it may also look at the previous table
            assertThat(s.column("select * from pgq.batch_event_tables(?)", batch)).endsWith("pgq.event_" + qid + "_0");
            s.exec("select pgq.finish_batch(?)", batch);
            tick(s, "q");
            long later = s.longValue("select pgq.next_batch('q', 'c')");
            assertThat(s.column("select * from pgq.batch_event_tables(?)", later)).containsExactly("pgq.event_" + qid + "_0");
            assertThat(s.error("select pgq.batch_event_sql(31337)")).isEqualTo("batch not found");
        }
    }

    @Test
    void cursorReadsBatchInPieces() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("select pgq.insert_event('q', case when g % 2 = 0 then 'even' else 'odd' end, g::text, 'tbl' || (g % 3), null, null, null)"
                    + " from generate_series(1, 10) g");
            tick(s, "q");
            long batch = s.longValue("select pgq.next_batch('q', 'c')");
            s.begin();
            assertThat(s.column("select ev_data from pgq.get_batch_cursor(?, 'evs', 3)", batch)).containsExactly("1", "2", "3");
            assertThat(s.column("fetch all from evs")).hasSize(7);
            s.exec("close evs");
            assertThat(s.column("select ev_data from pgq.get_batch_cursor(?, 'Odd Ones', 2, 'ev_type = ''odd''')", batch))
                    .containsExactly("1", "3");
            assertThat(s.column("fetch all from \"Odd Ones\"")).containsExactly(5L, 7L, 9L);
            s.commit();
        }
    }

    @Test
    void minCountAndIntervalMergeTicks() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('m')");
            s.exec("select pgq.register_consumer('m', 'c')");
            for (int i = 0; i < 4; i++) {
                s.exec("select pgq.insert_event('m', 't', ?)", "e" + i);
                tick(s, "m");
            }
            // without knobs: one tick interval per batch
            var b = s.row("select * from pgq.next_batch_custom('m', 'c', null, null, null)");
            assertThat(b.get("cur_tick_id")).isEqualTo(((Number) b.get("prev_tick_id")).longValue() + 1);
            s.exec("select pgq.finish_batch(?)", b.get("batch_id"));
            // a huge min_count is never reached: no batch
            assertThat(s.row("select * from pgq.next_batch_custom('m', 'c', null, 1000000000, null)").get("batch_id")).isNull();
            // min_lag keeps the consumer behind fresh ticks
            assertThat(s.row("select * from pgq.next_batch_custom('m', 'c', '1 hour', null, null)").get("batch_id")).isNull();
            var merged = s.row("select * from pgq.next_batch_custom('m', 'c', null, 1, null)");
            assertThat(merged.get("batch_id")).isNotNull();
            long span = ((Number) merged.get("cur_tick_id")).longValue() - ((Number) merged.get("prev_tick_id")).longValue();
            assertThat(span).isGreaterThanOrEqualTo(1);
            assertThat(s.column("select ev_data from pgq.get_batch_events(?)", merged.get("batch_id"))).isNotEmpty();
        }
    }
}
