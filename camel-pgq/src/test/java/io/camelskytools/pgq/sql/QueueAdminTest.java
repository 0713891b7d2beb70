package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;

class QueueAdminTest extends PgqSqlTestSupport {

    @Test
    void createQueueMakesTablesAndFirstTick() throws Exception {
        try (Sql s = PG.db().open()) {
            assertThat(s.longValue("select pgq.create_queue('orders')")).isEqualTo(1);
            assertThat(s.longValue("select pgq.create_queue('orders')")).isZero();
            var q = s.row("select * from pgq.queue where queue_name = 'orders'");
            long id = ((Number) q.get("queue_id")).longValue();
            assertThat(q.get("queue_data_pfx")).isEqualTo("pgq.event_" + id);
            assertThat(q.get("queue_event_seq")).isEqualTo("pgq.event_" + id + "_id_seq");
            assertThat(q.get("queue_tick_seq")).isEqualTo("pgq.event_" + id + "_tick_seq");
            assertThat(q.get("queue_ntables")).isEqualTo(3);
            assertThat(s.column("select relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                    + " where nspname = 'pgq' and relname like ? order by 1", "event_" + id + "%"))
                    .contains("event_" + id, "event_" + id + "_0", "event_" + id + "_1", "event_" + id + "_2",
                            "event_" + id + "_0_txid_idx", "event_" + id + "_id_seq", "event_" + id + "_tick_seq");
            assertThat(s.column("select tick_id from pgq.tick where tick_queue = ?", (int) id)).containsExactly(1L);
            assertThat(s.value("select reloptions::text from pg_class where oid = ?::regclass", "pgq.event_" + id + "_0"))
                    .asString().contains("fillfactor=100").contains("autovacuum_enabled=off");
            // consumers can register at once
            assertThat(s.longValue("select pgq.register_consumer('orders', 'billing')")).isEqualTo(1);
        }
    }

    @Test
    void queueNamesAreData() throws Exception {
        try (Sql s = PG.db().open()) {
            String[] names = {"Mixed Case", "it's", "semi;colon", "x'); drop table pgq.queue; --", "ünï \"q\""};
            for (String n : names) {
                assertThat(s.longValue("select pgq.create_queue(?)", n)).isEqualTo(1);
                assertThat(s.longValue("select pgq.register_consumer(?, ?)", n, n)).isEqualTo(1);
                s.exec("select pgq.insert_event(?, 'type', ?)", n, n);
            }
            assertThat(s.column("select queue_name from pgq.queue order by queue_id")).containsExactly((Object[]) names);
            for (String n : names) {
                tick(s, n);
                assertThat(consume(s, n, n)).containsExactly(n);
                assertThat(s.longValue("select pgq.unregister_consumer(?, ?)", n, n)).isEqualTo(1);
                assertThat(s.longValue("select pgq.drop_queue(?)", n)).isEqualTo(1);
            }
            assertThat(s.longValue("select count(*) from pgq.queue")).isZero();
        }
    }

    @Test
    void dropQueue() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            assertThat(s.error("select pgq.drop_queue('q')")).isEqualTo("cannot drop queue, consumers still attached");
            assertThat(s.error("select pgq.drop_queue('nope')")).isEqualTo("No such event queue");
            assertThat(s.error("select pgq.drop_queue('nope', true)")).isEqualTo("No such event queue");
            long id = s.longValue("select queue_id from pgq.queue where queue_name = 'q'");
            assertThat(s.longValue("select pgq.drop_queue('q', true)")).isEqualTo(1);
            assertThat(s.longValue("select count(*) from pgq.subscription")).isZero();
            assertThat(s.longValue("select count(*) from pgq.tick")).isZero();
            assertThat(s.value("select to_regclass(?)", "pgq.event_" + id)).isNull();
            assertThat(s.value("select to_regclass(?)", "pgq.event_" + id + "_id_seq")).isNull();
            // the name is free again
            assertThat(s.longValue("select pgq.create_queue('q')")).isEqualTo(1);
        }
    }

    @Test
    void setQueueConfig() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            assertThat(s.longValue("select pgq.set_queue_config('q', 'ticker_max_count', '7')")).isEqualTo(1);
            s.exec("select pgq.set_queue_config('q', 'ticker_max_lag', '9 seconds')");
            s.exec("select pgq.set_queue_config('q', 'ticker_idle_period', '2 minutes')");
            s.exec("select pgq.set_queue_config('q', 'ticker_paused', 'true')");
            s.exec("select pgq.set_queue_config('q', 'rotation_period', '1 hour')");
            s.exec("select pgq.set_queue_config('q', 'external_ticker', 'true')");
            var q = s.row("select queue_ticker_max_count, queue_ticker_max_lag::text, queue_ticker_idle_period::text,"
                    + " queue_ticker_paused, queue_rotation_period::text, queue_external_ticker from pgq.queue");
            assertThat(q).containsEntry("queue_ticker_max_count", 7).containsEntry("queue_ticker_max_lag", "00:00:09")
                    .containsEntry("queue_ticker_idle_period", "00:02:00").containsEntry("queue_ticker_paused", true)
                    .containsEntry("queue_rotation_period", "01:00:00").containsEntry("queue_external_ticker", true);
            assertThat(s.error("select pgq.set_queue_config('q', 'disable_insert', 'true')"))
                    .isEqualTo("cannot change parameter \"disable_inserts\"");
            assertThat(s.error("select pgq.set_queue_config('nope', 'ticker_max_count', '1')")).isEqualTo("No such event queue");
            assertThat(s.error("select pgq.set_queue_config(null, 'ticker_max_count', '1')")).isEqualTo("Invalid NULL value");
            assertThat(s.error("select pgq.set_queue_config('q', null, '1')")).isEqualTo("Invalid NULL value");
        }
    }

    @Test
    void nullAndUnknownNames() throws Exception {
        try (Sql s = PG.db().open()) {
            assertThat(s.error("select pgq.create_queue(null)")).isEqualTo("Invalid NULL value");
            assertThat(s.value("select pgq.drop_queue(null)")).isNull();
            assertThat(s.error("select pgq.register_consumer('nope', 'c')")).isEqualTo("Event queue not created yet");
            assertThat(s.error("select pgq.next_batch('nope', 'c')")).isEqualTo("Not subscriber to queue: nope/c");
            assertThat(s.error("select pgq.next_batch(null, null)")).isEqualTo("Not subscriber to queue: NULL/NULL");
            assertThat(s.error("select pgq.insert_event('nope', 't', 'd')")).isEqualTo("No such queue");
            assertThat(s.error("select pgq.insert_event(null, 't', 'd')")).isEqualTo("Queue name must not be NULL");
            assertThat(s.error("select pgq.current_event_table('nope')")).isEqualTo("Event queue not found");
            assertThat(s.error("select pgq.ticker('nope')")).isEqualTo("no such queue");
            assertThat(s.longValue("select pgq.unregister_consumer('nope', 'c')")).isZero();
            assertThat(s.longValue("select count(*) from pgq.queue")).isZero();
            assertThat(s.longValue("select count(*) from pgq.consumer")).isZero();
        }
    }

    @Test
    void versionIsAString() throws Exception {
        try (Sql s = PG.db().open()) {
            // pgqd ignores a database whose pgq.version() is NULL or below 3
            assertThat((String) s.value("select pgq.version()")).startsWith("3.");
        }
    }
}
