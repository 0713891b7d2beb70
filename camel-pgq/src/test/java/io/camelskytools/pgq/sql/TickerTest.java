package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;

class TickerTest extends PgqSqlTestSupport {

    @Test
    void ticksWhenEnoughEventsArePending() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.set_queue_config('q', 'ticker_max_count', '10')");
            s.exec("select pgq.set_queue_config('q', 'ticker_max_lag', '1 hour')");
            s.exec("select pgq.set_queue_config('q', 'ticker_idle_period', '1 hour')");
            s.exec("select pgq.insert_event('q', 't', g::text) from generate_series(1, 5) g");
            assertThat(s.value("select pgq.ticker('q')")).isNull();
            s.exec("select pgq.insert_event('q', 't', g::text) from generate_series(1, 10) g");
            assertThat(s.longValue("select pgq.ticker('q')")).isEqualTo(2);
            assertThat(s.value("select pgq.ticker('q')")).isNull();
            assertThat(s.longValue("select pgq.ticker()")).isZero();
        }
    }

    @Test
    void ticksWhenEventsAreOldEnough() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.set_queue_config('q', 'ticker_max_lag', '0')");
            s.exec("select pgq.insert_event('q', 't', 'x')");
            s.exec("select pgq.insert_event('q', 't', 'y')");
            assertThat(s.longValue("select pgq.ticker()")).isEqualTo(1);
        }
    }

    @Test
    void pausedAndExternalQueues() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('paused')");
            s.exec("select pgq.create_queue('ext')");
            s.exec("select pgq.set_queue_config('paused', 'ticker_paused', 'true')");
            s.exec("select pgq.set_queue_config('ext', 'external_ticker', 'true')");
            assertThat(s.error("select pgq.ticker('paused')")).isEqualTo("Ticker has been paused for this queue");
            assertThat(s.error("select pgq.ticker('ext')")).isEqualTo("This queue has external tick source.");
            s.exec("select pgq.force_tick('paused')");
            s.exec("select pgq.force_tick('ext')");
            assertThat(s.longValue("select pgq.ticker()")).isZero();

            assertThat(s.longValue("select pgq.ticker('ext', 100, '2020-01-01 00:00:00+00', 5000)")).isEqualTo(100);
            var t = s.row("select tick_id, tick_time = '2020-01-01 00:00:00+00' as same_time, tick_event_seq from pgq.tick"
                    + " t join pgq.queue q on q.queue_id = t.tick_queue where queue_name = 'ext' order by tick_id desc limit 1");
            assertThat(t).containsEntry("tick_id", 100L).containsEntry("same_time", true).containsEntry("tick_event_seq", 5000L);
            assertThat(s.longValue("select pgq.seq_getval(queue_tick_seq) from pgq.queue where queue_name = 'ext'")).isEqualTo(100);
            assertThat(s.longValue("select pgq.seq_getval(queue_event_seq) from pgq.queue where queue_name = 'ext'"))
                    .isGreaterThanOrEqualTo(5000);
            assertThat(s.error("select pgq.ticker('paused', 5, now(), 1)")).isEqualTo("queue not found or ticker disabled: paused");
        }
    }

    @Test
    void forceTickReturnsLastTick() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            assertThat(s.longValue("select pgq.force_tick('q')")).isEqualTo(1);
            assertThat(s.longValue("select pgq.ticker()")).isEqualTo(1);
            assertThat(s.longValue("select pgq.force_tick('q')")).isEqualTo(2);
        }
    }

    @Test
    void seqFunctions() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("create sequence public.s1");
            s.exec("create schema \"Odd Schema\"");
            s.exec("create sequence \"Odd Schema\".\"Seq\"");
            assertThat(s.longValue("select pgq.seq_setval('s1', 50)")).isEqualTo(50);
            assertThat(s.longValue("select pgq.seq_setval('s1', 10)")).isEqualTo(50);
            assertThat(s.longValue("select pgq.seq_getval('public.s1')")).isEqualTo(50);
            assertThat(s.longValue("select pgq.seq_setval('Odd Schema.Seq', 7)")).isEqualTo(7);
            assertThat(s.value("select pgq.quote_fqname('Odd Schema.Seq')")).isEqualTo("\"Odd Schema\".\"Seq\"");
            assertThat(s.value("select pgq.quote_fqname('plain')")).isEqualTo("public.plain");
        }
    }
}
