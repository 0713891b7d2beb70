package io.camelskytools.pgq.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.pgq.PgqConstants;
import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.pgq.ticker.PgqTickerRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a database that runs Skytools' PgQ (the C extension): our ticker, retry and
 * maintenance routes do pgqd's job, then pgqd takes over from them, and the pgq: consumer
 * reads every event once throughout, retries included.
 */
@Tag("needs-debian")
class TickerRoutesOnSkytoolsTest {

    @TempDir
    Path dir;

    @Test
    void ourRoutesThenPgqdTickASkytoolsDatabase() throws Exception {
        try (SystemPgServer pg = SystemPgServer.start(PgTestConfig.bin())) {
            try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("postgres")))) {
                s.exec("create database sky");
            }
            try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("sky")))) {
                s.exec("create extension pgq");
                s.exec("select pgq.create_queue('q')");
                s.exec("select pgq.set_queue_config('q', 'ticker_max_lag', '0')");
                s.exec("select pgq.set_queue_config('q', 'rotation_period', '0')");
                s.exec("select pgq.register_consumer('q', 'c')");
            }
            Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
            try (HikariDataSource ds = new HikariDataSource()) {
                ds.setJdbcUrl(pg.jdbcUrl("sky"));
                CamelContext consumer = new DefaultCamelContext();
                consumer.getRegistry().bind("db", ds);
                consumer.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        errorHandler(defaultErrorHandler().logExhausted(false));
                        from("pgq:q?dataSource=#db&consumerName=c&retryDelay=100ms&idleWait=100ms").process(e -> {
                            String body = e.getIn().getBody(String.class);
                            if (body.endsWith("7") && e.getIn().getHeader(PgqConstants.RETRY, Integer.class) == 0) {
                                throw new IllegalStateException("first try of " + body);
                            }
                            seen.computeIfAbsent(body, k -> new AtomicInteger()).incrementAndGet();
                        });
                    }
                });
                consumer.start();
                CamelContext ticker = new DefaultCamelContext();
                ticker.getRegistry().bind("db", ds);
                ticker.addRoutes(new PgqTickerRoutes().database("db").tickerPeriod(Duration.ofMillis(50))
                        .retryPeriod(Duration.ofMillis(200)).maintPeriod(Duration.ofMillis(300)));
                ticker.start();
                try {
                    insert(pg, 1, 100);
                    await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 100);
                    try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("sky")))) {
                        // maintenance rotated the queue's tables
                        await().atMost(Duration.ofSeconds(20)).until(() -> s.longValue("select queue_cur_table from pgq.queue") > 0);
                    }
                    ticker.stop();

                    // pgqd takes over the same database
                    Files.writeString(dir.resolve("pgqd.ini"), String.join("\n", "[pgqd]",
                            "base_connstr = host=127.0.0.1 port=" + pg.port() + " user=postgres", "database_list = sky",
                            "logfile = " + dir.resolve("pgqd.log"), "pidfile = " + dir.resolve("pgqd.pid"),
                            "ticker_period = 0.1", "retry_period = 0.2", "syslog = 0", ""));
                    Process pgqd = new ProcessBuilder("/usr/bin/pgqd", dir.resolve("pgqd.ini").toString())
                            .redirectErrorStream(true).redirectOutput(dir.resolve("pgqd.out").toFile()).start();
                    try {
                        insert(pg, 101, 200);
                        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 200);
                    } finally {
                        pgqd.destroy();
                        pgqd.waitFor(10, TimeUnit.SECONDS);
                    }
                } finally {
                    ticker.stop();
                    consumer.stop();
                }
            }
            assertThat(seen.values()).allMatch(n -> n.get() == 1);
            try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("sky")))) {
                assertThat(s.longValue("select count(*) from pgq.retry_queue")).isZero();
            }
        }
    }

    private static void insert(SystemPgServer pg, int from, int to) throws Exception {
        try (Sql s = new Sql(DriverManager.getConnection(pg.jdbcUrl("sky")))) {
            s.exec("select pgq.insert_event('q', 't', g::text) from generate_series(?, ?) g", from, to);
        }
    }
}
