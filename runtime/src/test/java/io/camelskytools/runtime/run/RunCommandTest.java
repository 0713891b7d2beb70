package io.camelskytools.runtime.run;

import static io.camelskytools.runtime.cli.InProcessCli.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.DriverManager;
import java.time.Duration;

import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.runtime.cli.InProcessCli;
import io.camelskytools.runtime.cli.InProcessCli.Background;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `skytools run` with nothing configured: embedded PostgreSQL, demo queue, ticks, a consumer reading. */
class RunCommandTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void newcomerSeesEventsFlow() throws Exception {
        int port = freePort();
        Background run = InProcessCli.start("run", "--data-dir", dir.resolve("data").toString(), "--port",
                Integer.toString(port), "--duration", "25");
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
        // within a minute: ticks, events in the demo queue, and the demo consumer keeping up
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            try (Sql s = new Sql(DriverManager.getConnection(url))) {
                return s.longValue("select last_tick_id from pgq.get_queue_info('demo')") >= 3
                       && s.longValue("select count(*) from pgq.get_consumer_info('demo', 'demo-reader')"
                                      + " where last_tick >= 3") == 1;
            }
        });
        long maxLag;
        try (Sql s = new Sql(DriverManager.getConnection(url))) {
            maxLag = s.longValue("select extract(epoch from queue_ticker_max_lag)::bigint from pgq.get_queue_info('demo')");
        }
        assertThat(run.exit(90)).as(run.err()).isZero();
        assertThat(run.out()).contains("embedded PostgreSQL on 127.0.0.1:" + port)
                .contains("data in " + dir.resolve("data")).contains("demo queue 'demo'")
                // why the demo consumer prints its events in groups, with the queue's own threshold
                .contains("queue 'demo' ticks once its ticker_max_lag (" + maxLag + " s) has passed since the last tick")
                .contains("demo-reader gets the events of about " + maxLag + " s together");
    }
}
