package io.camelskytools.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.runtime.cli.SkytoolsCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `skytools run` with nothing configured: embedded PostgreSQL, demo queue, ticks, a consumer reading. */
class RunCommandTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void newcomerSeesEventsFlow() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> SkytoolsCli.execute(
                new String[] {"run", "--data-dir", dir.resolve("data").toString(), "--port", Integer.toString(port),
                              "--duration", "25"},
                new PrintWriter(out, true), new PrintWriter(err, true), Map.of()));
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
        // within a minute: ticks, events in the demo queue, and the demo consumer keeping up
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            try (Sql s = new Sql(DriverManager.getConnection(url))) {
                return s.longValue("select last_tick_id from pgq.get_queue_info('demo')") >= 3
                       && s.longValue("select count(*) from pgq.get_consumer_info('demo', 'demo-reader')"
                                      + " where last_tick >= 3") == 1;
            }
        });
        assertThat(run.get(90, TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("embedded PostgreSQL on 127.0.0.1:" + port)
                .contains("data in " + dir.resolve("data")).contains("demo queue 'demo'");
    }
}
