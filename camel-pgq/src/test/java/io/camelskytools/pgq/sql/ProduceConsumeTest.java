package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;

class ProduceConsumeTest extends PgqSqlTestSupport {

    @Test
    void eventFieldsRoundTrip() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.begin();
            long id1 = s.longValue("select pgq.insert_event('q', 't1', 'd1')");
            long id2 = s.longValue("select pgq.insert_event('q', 't2', 'd2', 'e1', 'e2', 'e3', 'e4')");
            long txid = s.longValue("select txid_current()");
            s.commit();
            assertThat(id2).isGreaterThan(id1);
            tick(s, "q");
            long batch = s.longValue("select pgq.next_batch('q', 'c')");
            List<Map<String, Object>> ev = events(s, batch);
            assertThat(ev).hasSize(2);
            assertThat(ev.get(0)).containsEntry("ev_id", id1).containsEntry("ev_txid", txid)
                    .containsEntry("ev_type", "t1").containsEntry("ev_data", "d1").containsEntry("ev_retry", null)
                    .containsEntry("ev_extra1", null);
            assertThat(ev.get(1)).containsEntry("ev_id", id2).containsEntry("ev_extra1", "e1")
                    .containsEntry("ev_extra2", "e2").containsEntry("ev_extra3", "e3").containsEntry("ev_extra4", "e4");
            assertThat(ev.get(0).keySet()).containsExactly("ev_id", "ev_time", "ev_txid", "ev_retry", "ev_type",
                    "ev_data", "ev_extra1", "ev_extra2", "ev_extra3", "ev_extra4");
            assertThat(s.longValue("select pgq.finish_batch(?)", batch)).isEqualTo(1);
        }
    }

    @Test
    void everyConsumerSeesEveryEventOnce() throws Exception {
        try (Sql s = PG.db().open(); Sql p2 = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'a')");
            s.exec("select pgq.register_consumer('q', 'b')");
            List<Object> expected = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < 10; i++) {
                    Sql producer = i % 2 == 0 ? s : p2;
                    producer.exec("select pgq.insert_event('q', 't', ?)", round + ":" + i);
                    expected.add(round + ":" + i);
                }
                tick(s, "q");
            }
            for (String c : List.of("a", "b")) {
                List<Object> got = new ArrayList<>();
                List<Object> batch;
                while ((batch = consume(s, "q", c)) != null) {
                    got.addAll(batch);
                }
                assertThat(got).as("consumer " + c).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void openBatchIsHandedOutAgain() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("select pgq.insert_event('q', 't', 'x')");
            tick(s, "q");
            var first = s.row("select * from pgq.next_batch_info('q', 'c')");
            var again = s.row("select * from pgq.next_batch_info('q', 'c')");
            assertThat(again).isEqualTo(first);
            assertThat(first.keySet()).containsExactly("batch_id", "cur_tick_id", "prev_tick_id", "cur_tick_time",
                    "prev_tick_time", "cur_tick_event_seq", "prev_tick_event_seq");
            assertThat(s.value("select pgq.next_batch('q', 'c')")).isEqualTo(first.get("batch_id"));
            s.exec("select pgq.finish_batch(?)", first.get("batch_id"));
            // nothing new: no batch, every column NULL
            var none = s.row("select * from pgq.next_batch_info('q', 'c')");
            assertThat(none.values()).containsOnlyNulls();
        }
    }

    @Test
    void finishUnknownBatchWarns() throws Exception {
        try (Sql s = PG.db().open()) {
            assertThat(s.warningsOf("select pgq.finish_batch(424242)")).containsExactly("finish_batch: batch 424242 not found");
            assertThat(s.longValue("select pgq.finish_batch(424242)")).isZero();
            assertThat(s.error("select * from pgq.get_batch_events(424242)")).isEqualTo("batch not found");
        }
    }

    @Test
    void rolledBackEventsNeverArrive() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.begin();
            s.exec("select pgq.insert_event('q', 't', 'lost')");
            s.rollback();
            s.exec("select pgq.insert_event('q', 't', 'kept')");
            tick(s, "q");
            assertThat(consume(s, "q", "c")).containsExactly("kept");
        }
    }

    @Test
    void registerAtTickAndReposition() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.insert_event('q', 't', 'one')");
            long t2 = tick(s, "q");
            s.exec("select pgq.insert_event('q', 't', 'two')");
            tick(s, "q");
            // starting at tick 1 sees both events; at t2 only the second
            assertThat(s.longValue("select pgq.register_consumer_at('q', 'early', 1)")).isEqualTo(1);
            assertThat(s.longValue("select pgq.register_consumer_at('q', 'late', ?)", t2)).isEqualTo(1);
            assertThat(consume(s, "q", "early")).containsExactly("one");
            assertThat(consume(s, "q", "early")).containsExactly("two");
            assertThat(consume(s, "q", "late")).containsExactly("two");
            // a registered consumer is moved back; an open batch is dropped
            s.exec("select pgq.next_batch('q', 'late')");
            assertThat(s.longValue("select pgq.register_consumer_at('q', 'late', 1)")).isZero();
            assertThat(consume(s, "q", "late")).containsExactly("one");
            assertThat(s.error("select pgq.register_consumer_at('q', 'late', 999)"))
                    .isEqualTo("cannot reposition, tick not found: 999");
            assertThat(s.longValue("select pgq.register_consumer('q', 'late')")).isZero();
        }
    }

    @Test
    void unregisterForgetsConsumer() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            assertThat(s.longValue("select pgq.unregister_consumer('q', 'c')")).isEqualTo(1);
            assertThat(s.longValue("select pgq.unregister_consumer('q', 'c')")).isZero();
            assertThat(s.longValue("select count(*) from pgq.consumer")).isZero();
            assertThat(s.error("select pgq.next_batch('q', 'c')")).isEqualTo("Not subscriber to queue: q/c");
        }
    }

    @Test
    void currentEventTableTakesCopy() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.begin();
            String table = (String) s.value("select pgq.current_event_table('q')");
            assertThat(table).matches("pgq\\.event_\\d+_0");
            s.exec("insert into " + table + " (ev_time, ev_type, ev_data) select now(), 'bulk', g::text"
                    + " from generate_series(1, 100) g");
            s.commit();
            tick(s, "q");
            assertThat(consume(s, "q", "c")).hasSize(100).startsWith("1", "2").endsWith("100");
        }
    }

    @Test
    void disabledQueueRefusesInserts() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("update pgq.queue set queue_disable_insert = true where queue_name = 'q'");
            assertThat(s.error("select pgq.insert_event('q', 't', 'd')")).isEqualTo("Insert into queue disallowed");
            assertThat(s.error("select pgq.current_event_table('q')")).isEqualTo("Writing to queue disabled");
            s.exec("set session_replication_role = 'replica'");
            assertThat(s.longValue("select pgq.insert_event('q', 't', 'd')")).isPositive();
        }
    }

    @Test
    void perTransactionEventLimit() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("update pgq.queue set queue_per_tx_limit = 2 where queue_name = 'q'");
            s.begin();
            s.exec("select pgq.insert_event('q', 't', '1')");
            s.exec("select pgq.insert_event('q', 't', '2')");
            assertThat(s.error("select pgq.insert_event('q', 't', '3')")).isEqualTo("Queue 'q' allows max 2 events from one TX");
            s.rollback();
            // a new transaction starts counting again
            s.exec("select pgq.insert_event('q', 't', '1')");
            s.exec("select pgq.insert_event('q', 't', '2')");
            s.exec("update pgq.queue set queue_per_tx_limit = 0 where queue_name = 'q'");
            assertThat(s.error("select pgq.insert_event('q', 't', 'x')")).isEqualTo("Queue 'q' allows max 0 events from one TX");
        }
    }

    /** Skytools takes the event id before it refuses the insert: the next id skips one. */
    @Test
    void refusedInsertsStillTakeAnEventId() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            long first = s.longValue("select pgq.insert_event('q', 't', '1')");
            s.exec("update pgq.queue set queue_disable_insert = true where queue_name = 'q'");
            assertThat(s.error("select pgq.insert_event('q', 't', 'd')")).isEqualTo("Insert into queue disallowed");
            assertThat(s.error("select pgq.insert_event('q', 't', 'd', 'e1', null, null, null)"))
                    .isEqualTo("Insert into queue disallowed");
            s.exec("update pgq.queue set queue_disable_insert = false, queue_per_tx_limit = 1 where queue_name = 'q'");
            s.begin();
            long second = s.longValue("select pgq.insert_event('q', 't', '2')");
            assertThat(s.error("select pgq.insert_event('q', 't', '3')")).isEqualTo("Queue 'q' allows max 1 events from one TX");
            s.rollback();
            long third = s.longValue("select pgq.insert_event('q', 't', '4')");
            assertThat(second).isEqualTo(first + 3);
            assertThat(third).isEqualTo(second + 2);
        }
    }

    @Test
    void insertEventRawKeepsGivenFields() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("select pgq.insert_event('q', 'first', 'x')");
            long seqBefore = s.longValue("select pgq.seq_getval(queue_event_seq) from pgq.queue");
            assertThat(s.longValue("select pgq.insert_event_raw('q', 777, '2001-02-03 04:05:06+00', null, 3, 'ty', 'da',"
                    + " 'x1', null, null, 'x4')")).isEqualTo(777);
            // the sequence moves even when the id is given, so the ticker sees activity
            assertThat(s.longValue("select pgq.seq_getval(queue_event_seq) from pgq.queue")).isGreaterThan(seqBefore);
            tick(s, "q");
            long batch = s.longValue("select pgq.next_batch('q', 'c')");
            var ev = s.row("select ev_id, ev_time = '2001-02-03 04:05:06+00' as same_time, ev_retry, ev_type, ev_extra4"
                    + " from pgq.get_batch_events(?) where ev_type = 'ty'", batch);
            assertThat(ev).containsEntry("ev_id", 777L).containsEntry("same_time", true).containsEntry("ev_retry", 3)
                    .containsEntry("ev_type", "ty").containsEntry("ev_extra4", "x4");
        }
    }
}
