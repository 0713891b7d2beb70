package io.camelskytools.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.ticker.PgqTickerRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** queue -> webhook against a real HTTP server that fails at first: retries go through pgq's retry queue. */
class WebhookBridgeTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @Test
    void failingWebhookGetsEveryEventThroughRetries() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('hooks')");
            s.exec("select pgq.set_queue_config('hooks', 'ticker_max_lag', '0')");
            s.exec("select pgq.register_consumer('hooks', 'webhook')");
        }
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        List<String> accepted = new CopyOnWriteArrayList<>();
        List<String> retryHeaders = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int n = calls.computeIfAbsent(body, k -> new AtomicInteger()).incrementAndGet();
            retryHeaders.add(ex.getRequestHeaders().getFirst("X-Pgq-Retry"));
            // every event is refused twice (503), then accepted
            int status = n <= 2 ? 503 : 204;
            if (status == 204) {
                accepted.add(body);
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(PG.db().jdbcUrl());
            CamelContext ctx = new DefaultCamelContext();
            ctx.getRegistry().bind("db", ds);
            ctx.addRoutes(new PgqTickerRoutes().database("db").tickerPeriod(Duration.ofMillis(100))
                    .retryPeriod(Duration.ofMillis(100)));
            ctx.addRoutes(new QueueToHttpRoutes("db", "hooks", "webhook",
                    "http://127.0.0.1:" + server.getAddress().getPort() + "/hook").retryDelay(Duration.ofMillis(100)));
            ctx.start();
            try (Sql s = PG.db().open()) {
                s.exec("select pgq.insert_event('hooks', 'order', '{\"id\": ' || g || '}') from generate_series(1, 10) g");
            }
            await().atMost(Duration.ofSeconds(40)).until(() -> accepted.size() == 10);
            ctx.stop();
        } finally {
            server.stop(0);
        }
        assertThat(accepted).doesNotHaveDuplicates();
        assertThat(calls.values()).allMatch(n -> n.get() == 3);
        assertThat(retryHeaders).contains("0", "1", "2");
        try (Sql s = PG.db().open()) {
            assertThat(s.longValue("select count(*) from pgq.retry_queue")).isZero();
        }
    }
}
