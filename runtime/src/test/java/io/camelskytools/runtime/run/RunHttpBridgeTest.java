package io.camelskytools.runtime.run;

import static io.camelskytools.runtime.cli.InProcessCli.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.runtime.cli.InProcessCli;
import io.camelskytools.runtime.cli.InProcessCli.Background;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `skytools run` on a configured database, with the HTTP bridge and the management endpoints, over real HTTP. */
class RunHttpBridgeTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void postEventsAndWatchHealthAndMetrics() throws Exception {
        int httpPort = freePort();
        int mgmtPort = freePort();
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('orders')");
            s.exec("select pgq.register_consumer('orders', 'billing')");
        }
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.ticker.period = 200ms",
                "skytools.stats.period = 500ms",
                "skytools.http.enabled = true",
                "skytools.http.port = " + httpPort,
                "skytools.management.port = " + mgmtPort, ""));
        Background run = InProcessCli.start("run", "--config", cfg.toString(), "--duration", "20");
        String base = "http://127.0.0.1:" + httpPort;
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> get("http://127.0.0.1:" + mgmtPort + "/observe/health").statusCode() == 200);

        HttpResponse<String> one = post(base + "/queues/orders/events?type=order.created&extra1=web", "{\"id\": 1}");
        assertThat(one.statusCode()).isEqualTo(201);
        assertThat(one.body()).contains("\"queue\":\"orders\"").containsPattern("\"ids\":\\[\\d+]");
        HttpResponse<String> many = post(base + "/queues/orders/events", "[{\"id\": 2}, \"plain text\", 3]");
        assertThat(many.statusCode()).isEqualTo(201);
        assertThat(many.body()).containsPattern("\"ids\":\\[\\d+,\\d+,\\d+]");

        HttpResponse<String> badJson = post(base + "/queues/orders/events", "{\"id\": ");
        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(badJson.body()).contains("bad JSON");
        HttpResponse<String> empty = post(base + "/queues/orders/events", "[]");
        assertThat(empty.statusCode()).isEqualTo(400);
        HttpResponse<String> unknown = post(base + "/queues/nope/events", "{\"id\": 9}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no such queue: nope");

        try (Sql s = PG.db().open()) {
            assertThat(s.column("select ev_data from pgq.event_1 order by ev_id"))
                    .containsExactly("{\"id\":1}", "{\"id\":2}", "plain text", "3");
            assertThat(s.value("select ev_type || '/' || ev_extra1 from pgq.event_1 order by ev_id limit 1"))
                    .isEqualTo("order.created/web");
            // the ticker of `skytools run` ticks the queue
            await().atMost(Duration.ofSeconds(15)).until(() -> s.longValue("select ev_new from pgq.get_queue_info('orders')") <= 0
                    && s.longValue("select last_tick_id from pgq.get_queue_info('orders')") > 1);
        }
        // the per-queue gauges appear with the next read of the database (skytools.stats.period)
        await().atMost(Duration.ofSeconds(15)).until(() -> get("http://127.0.0.1:" + mgmtPort + "/observe/metrics").body()
                .contains("pgq_queue_ticker_lag_seconds{db=\"main\",queue=\"orders\"}"));
        HttpResponse<String> metrics = get("http://127.0.0.1:" + mgmtPort + "/observe/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("pgq_events_produced")
                .containsPattern("pgq_queue_ticker_lag_seconds\\{db=\"main\",queue=\"orders\"}")
                .containsPattern("pgq_consumer_pending_events\\{consumer=\"billing\",db=\"main\",queue=\"orders\"}");
        HttpResponse<String> health = get("http://127.0.0.1:" + mgmtPort + "/observe/health");
        assertThat(health.body()).contains("UP");
        assertThat(run.exit(60)).as(run.err()).isZero();
        assertThat(run.out()).contains("HTTP bridge on http://127.0.0.1:" + httpPort).contains("/observe/health");
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
