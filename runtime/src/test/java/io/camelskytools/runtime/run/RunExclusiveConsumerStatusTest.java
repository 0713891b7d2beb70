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
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelskytools.pgq.cluster.AdvisoryLockKey;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.runtime.cli.InProcessCli;
import io.camelskytools.runtime.cli.InProcessCli.Background;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the runtime is: the status page lists the runtime as a member leading its exclusive
 * consumer's namespace, the metrics say the consumer is active here, and health goes DOWN
 * when no runtime holds the consumer's lock (here: a session of another application took it).
 */
class RunExclusiveConsumerStatusTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void statusMetricsAndHealthSayWhichCopyIsActive() throws Exception {
        int port = freePort();
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('orders')");
            s.exec("select pgq.register_consumer('orders', 'billing')");
        }
        Path routes = dir.resolve("billing.yaml");
        Files.writeString(routes, String.join("\n",
                "- route:",
                "    id: billing",
                "    from:",
                "      uri: \"pgq:orders?consumerName=billing&idleWait=200ms\"",
                "      steps:",
                "        - log: \"${body}\"", ""));
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.ticker.period = 200ms",
                "skytools.stats.period = 300ms",
                "skytools.instance.id = copy-1",
                "skytools.cluster.period = 200ms",
                "skytools.cluster.validation-timeout = 500ms",
                "skytools.cluster.takeover-delay = 1s",
                "skytools.management.port = " + port, ""));
        Background run = InProcessCli.start("run", "--config", cfg.toString(), "--routes", "file:" + routes,
                "--duration", "40");
        String namespace = "pgq:" + PG.db().name() + "/orders/billing";

        JsonNode db = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> database(port),
                // the lock holder is shown at once; it is active here after the takeover delay
                d -> d.path("exclusive").size() == 1 && "copy-1".equals(d.path("exclusive").get(0).path("leader").asText())
                     && d.path("exclusive").get(0).path("here").asBoolean());
        JsonNode consumer = db.path("exclusive").get(0);
        assertThat(consumer.path("queue").asText()).isEqualTo("orders");
        assertThat(consumer.path("consumer").asText()).isEqualTo("billing");
        assertThat(consumer.path("namespace").asText()).isEqualTo(namespace);
        assertThat(consumer.path("here").asBoolean()).isTrue();
        JsonNode member = db.path("members").get(0);
        assertThat(member.path("member").asText()).isEqualTo("copy-1");
        assertThat(json.convertValue(member.path("leads"), List.class)).contains(namespace);
        String metrics = get(port, "/observe/metrics").body();
        assertThat(metrics).containsPattern("pgq_consumer_active\\{[^}]*consumer=\"billing\"[^}]*\\} 1\\.0")
                .containsPattern("skytools_cluster_members\\{[^}]*\\} 1\\.0")
                .contains("namespace=\"" + namespace + "\"");
        assertThat(get(port, "/observe/health").statusCode()).isEqualTo(200);

        // another application's session takes the lock the moment the runtime's session ends
        long key = AdvisoryLockKey.of(namespace);
        try (Sql foreign = PG.db().open()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                try (Sql s = PG.db().open()) {
                    s.exec("select pg_terminate_backend(a.pid) from pg_stat_activity a where a.application_name = ?",
                            "skytools-cluster copy-1");
                }
                return (Boolean) foreign.value("select pg_try_advisory_lock(?)", key);
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> get(port, "/observe/health").statusCode() == 503);
            assertThat(get(port, "/observe/health?exposureLevel=full").body()).contains("pgq-active-main")
                    .contains("consumer billing of queue orders has no active instance");
            JsonNode standby = database(port).path("exclusive").get(0);
            assertThat(standby.path("leader").isNull()).isTrue();
            assertThat(standby.path("here").asBoolean()).isFalse();
        }
        // the foreign session is gone: the runtime takes its consumer back, health recovers
        await().atMost(Duration.ofSeconds(30)).until(() -> get(port, "/observe/health").statusCode() == 200);
        assertThat(run.exit(60)).isZero();
    }

    private JsonNode database(int port) throws Exception {
        return json.readTree(get(port, "/status/data.json").body()).path("databases").get(0);
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
