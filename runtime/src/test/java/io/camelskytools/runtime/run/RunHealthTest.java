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

/** /observe/health goes DOWN when a queue stops ticking or a consumer falls behind. */
class RunHealthTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @TempDir
    Path dir;

    @Test
    void stalledTickerIsReported() throws Exception {
        int mgmtPort = freePort();
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('quiet')");
        }
        Path cfg = dir.resolve("skytools.properties");
        // a ticker that practically never runs, and a short patience
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.ticker.period = 1h",
                "skytools.stats.period = 300ms",
                "skytools.health.max-ticker-lag = 2s",
                "skytools.management.port = " + mgmtPort, ""));
        Background run = InProcessCli.start("run", "--config", cfg.toString(), "--duration", "15");
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mgmtPort + "/observe/health")).build();
        // DOWN for the stall, not for the moment before the first read ("not read yet")
        HttpRequest detail = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + mgmtPort + "/observe/health?exposureLevel=full")).build();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> http.send(detail, HttpResponse.BodyHandlers.ofString()).body().contains("has not ticked"));
        HttpResponse<String> down = http.send(health, HttpResponse.BodyHandlers.ofString());
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).contains("DOWN");
        assertThat(run.exit(60)).isZero();
    }

    @Test
    void laggingConsumerIsReported() throws Exception {
        int mgmtPort = freePort();
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('busy')");
            s.exec("select pgq.register_consumer('busy', 'sleepy')");
        }
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.ticker.period = 200ms",
                "skytools.stats.period = 300ms",
                "skytools.health.max-consumer-lag = 2s",
                "skytools.management.port = " + mgmtPort, ""));
        Background run = InProcessCli.start("run", "--config", cfg.toString(), "--duration", "15");
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mgmtPort + "/observe/health")).build();
        // first UP (the consumer's position is fresh), then DOWN once it is older than 2 s
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 503);
        HttpRequest detail = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + mgmtPort + "/observe/health?exposureLevel=full")).build();
        assertThat(http.send(detail, HttpResponse.BodyHandlers.ofString()).body())
                .contains("pgq-consumers-main").contains("consumer sleepy of queue busy lags");
        assertThat(run.exit(60)).isZero();
    }
}
