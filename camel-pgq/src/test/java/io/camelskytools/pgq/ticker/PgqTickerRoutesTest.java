package io.camelskytools.pgq.ticker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two Camel contexts run the ticker, retry and maintenance routes on one database at once. */
@Tag("ours-only")
class PgqTickerRoutesTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @Test
    void twoContextsTickAndMaintainOneDatabase() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('q')");
            s.exec("select pgq.set_queue_config('q', 'ticker_max_lag', '0')");
            s.exec("select pgq.set_queue_config('q', 'rotation_period', '0')");
            s.exec("select pgq.register_consumer('q', 'c')");
        }
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        List<CamelContext> contexts = new ArrayList<>();
        List<HikariDataSource> pools = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                HikariDataSource ds = new HikariDataSource();
                ds.setJdbcUrl(PG.db().jdbcUrl());
                pools.add(ds);
                CamelContext ctx = new DefaultCamelContext();
                ctx.getRegistry().bind("db", ds);
                ctx.addRoutes(new PgqTickerRoutes().database("db").tickerPeriod(Duration.ofMillis(20))
                        .retryPeriod(Duration.ofMillis(100)).maintPeriod(Duration.ofMillis(150)));
                if (i == 0) {
                    ctx.addRoutes(new RouteBuilder() {
                        @Override
                        public void configure() {
                            // the consumer logs each retry itself
                            errorHandler(defaultErrorHandler().logExhausted(false));
                            from("pgq:q?dataSource=#db&consumerName=c&retryDelay=50ms").process(e -> {
                                String body = e.getIn().getBody(String.class);
                                // every 50th event fails once, so retries travel too
                                if (body.endsWith("0") && Integer.parseInt(body) % 50 == 0
                                    && e.getIn().getHeader("CamelPgqRetry", Integer.class) == 0) {
                                    failures.incrementAndGet();
                                    throw new IllegalStateException("first attempt of " + body + " fails");
                                }
                                seen.computeIfAbsent(body, k -> new AtomicInteger()).incrementAndGet();
                            });
                        }
                    });
                }
                ctx.start();
                contexts.add(ctx);
            }
            try (Sql s = PG.db().open()) {
                for (int tx = 0; tx < 40; tx++) {
                    s.exec("select pgq.insert_event('q', 't', g::text) from generate_series(?, ?) g", tx * 50 + 1, tx * 50 + 50);
                }
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() == 2000);
            assertThat(seen.values()).allMatch(n -> n.get() == 1);
            assertThat(failures.get()).isEqualTo(40);
            try (Sql s = PG.db().open()) {
                assertThat(s.longValue("select count(*) from (select tick_time < lag(tick_time) over w as back"
                        + " from pgq.tick window w as (order by tick_id)) x where back")).isZero();
                // maintenance ran: the queue rotated at least once
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    try (Sql s2 = PG.db().open()) {
                        return s2.longValue("select queue_cur_table from pgq.queue") > 0;
                    }
                });
                assertThat(s.longValue("select count(*) from pgq.retry_queue")).isZero();
            }
        } finally {
            for (CamelContext ctx : contexts) {
                ctx.stop();
            }
            pools.forEach(HikariDataSource::close);
        }
    }
}
