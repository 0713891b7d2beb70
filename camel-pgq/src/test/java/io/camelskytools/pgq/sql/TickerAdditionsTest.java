package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** What our ticker adds to Skytools': it is safe to run concurrently, and it announces ticks. */
@Tag("ours-only")
class TickerAdditionsTest extends PgqSqlTestSupport {

    @Test
    void manyConcurrentTickersKeepTicksInOrderAndLoseNothing() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.set_queue_config('q', 'ticker_max_lag', '0')");
            s.exec("select pgq.set_queue_config('q', 'ticker_max_count', '1')");
            s.exec("select pgq.register_consumer('q', 'c')");
        }
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> tasks = new ArrayList<>();
        List<Object> produced = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            tasks.add(pool.submit(() -> {
                try (Sql ticker = PG.db().open()) {
                    while (!stop.get()) {
                        ticker.exec("select pgq.ticker()");
                    }
                }
                return null;
            }));
        }
        for (int p = 0; p < 2; p++) {
            int producer = p;
            tasks.add(pool.submit(() -> {
                try (Sql prod = PG.db().open()) {
                    for (int i = 0; i < 300; i++) {
                        prod.exec("select pgq.insert_event('q', 't', ?)", producer + ":" + i);
                        produced.add(producer + ":" + i);
                    }
                }
                return null;
            }));
        }
        tasks.get(4).get(60, TimeUnit.SECONDS);
        tasks.get(5).get(60, TimeUnit.SECONDS);
        stop.set(true);
        for (Future<?> f : tasks) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        try (Sql s = PG.db().open()) {
            tick(s, "q");
            // tick time and snapshot never go backwards
            assertThat(s.longValue("select count(*) from (select tick_time < lag(tick_time) over w as back_time,"
                    + " txid_snapshot_xmax(tick_snapshot) < lag(txid_snapshot_xmax(tick_snapshot)) over w as back_snap"
                    + " from pgq.tick window w as (order by tick_id)) x where back_time or back_snap")).isZero();
            assertThat(s.longValue("select count(*) from pgq.tick")).isGreaterThan(3);
            List<Object> seen = new ArrayList<>();
            List<Object> b;
            while ((b = consume(s, "q", "c")) != null) {
                seen.addAll(b);
            }
            assertThat(seen).containsExactlyInAnyOrderElementsOf(produced);
        }
    }

    @Test
    void tickIsAnnouncedOnTheQueueChannel() throws Exception {
        try (Sql s = PG.db().open(); Sql listener = PG.db().open()) {
            s.exec("select pgq.create_queue('Orders Q')");
            String channel = (String) s.value("select pgq.tick_channel('Orders Q')");
            assertThat(channel).isEqualTo("pgq.Orders Q");
            listener.exec("listen \"" + channel.replace("\"", "\"\"") + "\"");
            PGConnection pgc = listener.connection().unwrap(PGConnection.class);

            s.begin();
            s.exec("select pgq.force_tick('Orders Q')");
            long tick = s.longValue("select pgq.ticker('Orders Q')");
            // nothing before commit
            assertThat(pgc.getNotifications(200)).isEmpty();
            s.commit();
            PGNotification[] got = pgc.getNotifications(10_000);
            assertThat(got).hasSize(1);
            assertThat(got[0].getName()).isEqualTo(channel);
            assertThat(got[0].getParameter()).isEqualTo(Long.toString(tick));

            // names too long for a channel use the queue id
            String longName = "q".repeat(80);
            s.exec("select pgq.create_queue(?)", longName);
            long id = s.longValue("select queue_id from pgq.queue where queue_name = ?", longName);
            assertThat(s.value("select pgq.tick_channel(?)", longName)).isEqualTo("pgq.#" + id);
        }
    }
}
