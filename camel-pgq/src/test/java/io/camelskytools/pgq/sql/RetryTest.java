package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;

class RetryTest extends PgqSqlTestSupport {

    private static long setUp(Sql s) throws Exception {
        s.exec("select pgq.create_queue('q')");
        s.exec("select pgq.register_consumer('q', 'owner')");
        s.exec("select pgq.register_consumer('q', 'other')");
        s.exec("select pgq.insert_event('q', 't', 'a')");
        long b = s.longValue("select pgq.insert_event('q', 't', 'b')");
        tick(s, "q");
        return b;
    }

    @Test
    void retriedEventComesBackToItsOwnerOnly() throws Exception {
        try (Sql s = PG.db().open()) {
            long evB = setUp(s);
            long batch = s.longValue("select pgq.next_batch('q', 'owner')");
            assertThat(s.longValue("select pgq.event_retry(?, ?, 0)", batch, evB)).isEqualTo(1);
            // twice is harmless
            assertThat(s.longValue("select pgq.event_retry(?, ?, 0)", batch, evB)).isZero();
            assertThat(s.error("select pgq.event_retry(?, 987654, 0)", batch)).isEqualTo("event not found");
            s.exec("select pgq.finish_batch(?)", batch);
            var rq = s.row("select ev_id, ev_owner, ev_retry, ev_txid, ev_data from pgq.retry_queue");
            assertThat(rq).containsEntry("ev_id", evB).containsEntry("ev_retry", 1).containsEntry("ev_txid", null)
                    .containsEntry("ev_data", "b");
            assertThat(consume(s, "q", "other")).containsExactly("a", "b");

            assertThat(s.longValue("select pgq.maint_retry_events()")).isEqualTo(1);
            assertThat(s.longValue("select pgq.maint_retry_events()")).isZero();
            tick(s, "q");
            long again = s.longValue("select pgq.next_batch('q', 'owner')");
            var ev = s.row("select ev_id, ev_retry, ev_data from pgq.get_batch_events(?)", again);
            assertThat(ev).containsEntry("ev_id", evB).containsEntry("ev_retry", 1).containsEntry("ev_data", "b");
            s.exec("select pgq.finish_batch(?)", again);
            assertThat(consume(s, "q", "other")).isEmpty();
        }
    }

    @Test
    void retryWaitsForItsTime() throws Exception {
        try (Sql s = PG.db().open()) {
            long evB = setUp(s);
            long batch = s.longValue("select pgq.next_batch('q', 'owner')");
            s.exec("select pgq.event_retry(?, ?, now() + interval '1 hour')", batch, evB);
            s.exec("select pgq.finish_batch(?)", batch);
            assertThat(s.longValue("select pgq.maint_retry_events()")).isZero();
            assertThat(s.longValue("select count(*) from pgq.retry_queue")).isEqualTo(1);
        }
    }

    @Test
    void batchRetryAndUnregisterDropsRetries() throws Exception {
        try (Sql s = PG.db().open()) {
            setUp(s);
            long batch = s.longValue("select pgq.next_batch('q', 'owner')");
            assertThat(s.longValue("select pgq.batch_retry(?, 3600)", batch)).isEqualTo(2);
            assertThat(s.longValue("select pgq.batch_retry(?, 3600)", batch)).isZero();
            assertThat(s.error("select pgq.batch_retry(55555, 1)")).isEqualTo("batch_retry: batch 55555 not found");
            s.exec("select pgq.finish_batch(?)", batch);
            assertThat(s.longValue("select count(*) from pgq.retry_queue")).isEqualTo(2);
            assertThat(s.longValue("select pgq.unregister_consumer('q', 'owner')")).isEqualTo(1);
            assertThat(s.longValue("select count(*) from pgq.retry_queue")).isZero();
        }
    }

    @Test
    void manyRetriesMoveTenAtATime() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            s.exec("select pgq.insert_event('q', 't', g::text) from generate_series(1, 25) g");
            tick(s, "q");
            long batch = s.longValue("select pgq.next_batch('q', 'c')");
            s.exec("select pgq.batch_retry(?, 0)", batch);
            s.exec("select pgq.finish_batch(?)", batch);
            assertThat(List.of(s.longValue("select pgq.maint_retry_events()"), s.longValue("select pgq.maint_retry_events()"),
                    s.longValue("select pgq.maint_retry_events()"), s.longValue("select pgq.maint_retry_events()")))
                    .containsExactly(10L, 10L, 5L, 0L);
            tick(s, "q");
            assertThat(consume(s, "q", "c")).hasSize(25);
        }
    }

    @Test
    void eventRetryRaw() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.register_consumer('q', 'c')");
            long id = s.longValue("select pgq.event_retry_raw('q', 'c', now(), null, now(), 5, 'rt', 'rd', null, null, null, null)");
            assertThat(s.longValue("select pgq.event_retry_raw('q', 'c', now(), 4242, now(), 1, 'rt', 'given', null, null, null, null)"))
                    .isEqualTo(4242);
            assertThat(s.error("select pgq.event_retry_raw('q', 'nobody', now(), null, now(), 1, 't', 'd', null, null, null, null)"))
                    .isEqualTo("consumer not registered");
            while (s.longValue("select pgq.maint_retry_events()") > 0) {
                // drain
            }
            tick(s, "q");
            long batch = s.longValue("select pgq.next_batch('q', 'c')");
            assertThat(s.column("select ev_id from pgq.get_batch_events(?)", batch)).containsExactly(id, 4242L);
            assertThat(s.column("select ev_retry from pgq.get_batch_events(?)", batch)).containsExactly(5, 1);
        }
    }
}
