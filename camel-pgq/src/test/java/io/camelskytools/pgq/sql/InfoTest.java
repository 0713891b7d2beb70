package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;

class InfoTest extends PgqSqlTestSupport {

    @Test
    void queueConsumerAndBatchInfo() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('b')");
            s.exec("select pgq.create_queue('a')");
            s.exec("select pgq.register_consumer('a', 'c2')");
            s.exec("select pgq.register_consumer('a', 'c1')");
            s.exec("select pgq.insert_event('a', 't', g::text) from generate_series(1, 3) g");

            var qi = s.rows("select * from pgq.get_queue_info()");
            assertThat(qi).extracting(r -> r.get("queue_name")).containsExactly("a", "b");
            assertThat(qi.get(0).keySet()).containsExactly("queue_name", "queue_ntables", "queue_cur_table",
                    "queue_rotation_period", "queue_switch_time", "queue_external_ticker", "queue_ticker_paused",
                    "queue_ticker_max_count", "queue_ticker_max_lag", "queue_ticker_idle_period", "ticker_lag",
                    "ev_per_sec", "ev_new", "last_tick_id");
            var a = s.row("select * from pgq.get_queue_info('a')");
            assertThat(a).containsEntry("last_tick_id", 1L);
            assertThat(((Number) a.get("ev_new")).longValue()).isBetween(2L, 3L);

            tick(s, "a");
            var ci = s.rows("select * from pgq.get_consumer_info()");
            assertThat(ci.get(0).keySet()).containsExactly("queue_name", "consumer_name", "lag", "last_seen", "last_tick",
                    "current_batch", "next_tick", "pending_events");
            assertThat(ci).extracting(r -> r.get("consumer_name")).containsExactly("c1", "c2");
            assertThat(s.rows("select * from pgq.get_consumer_info('a')")).hasSize(2);
            assertThat(s.rows("select * from pgq.get_consumer_info('b')")).isEmpty();
            var c1 = s.row("select * from pgq.get_consumer_info('a', 'c1')");
            assertThat(c1).containsEntry("last_tick", 1L).containsEntry("current_batch", null);
            assertThat(((Number) c1.get("pending_events")).longValue()).isPositive();

            long batch = s.longValue("select pgq.next_batch('a', 'c1')");
            var bi = s.row("select * from pgq.get_batch_info(?)", batch);
            assertThat(bi.keySet()).containsExactly("queue_name", "consumer_name", "batch_start", "batch_end",
                    "prev_tick_id", "tick_id", "lag", "seq_start", "seq_end");
            assertThat(bi).containsEntry("queue_name", "a").containsEntry("consumer_name", "c1")
                    .containsEntry("prev_tick_id", 1L).containsEntry("tick_id", 2L);
            assertThat(s.row("select * from pgq.get_consumer_info('a', 'c1')")).containsEntry("current_batch", batch)
                    .containsEntry("next_tick", 2L);
        }
    }

    @Test
    void maintenanceOperations() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            // nothing due right after create
            assertThat(s.rows("select * from pgq.maint_operations()")).isEmpty();
            s.exec("update pgq.queue set queue_switch_time = now() - interval '3 hours'");
            s.exec("update pgq.queue set queue_extra_maint = array['pgq.version']");
            var ops = s.rows("select * from pgq.maint_operations()");
            assertThat(ops).extracting(r -> r.get("func_name") + "(" + r.get("func_arg") + ")")
                    .containsExactly("pgq.maint_rotate_tables_step1(q)", "pgq.maint_rotate_tables_step2(null)",
                            "pgq.version(q)");
            // autovacuum is on in the test servers
            assertThat(s.rows("select * from pgq.maint_tables_to_vacuum()")).isEmpty();
        }
    }
}
