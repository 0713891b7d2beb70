package io.camelskytools.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

/** Bridges configured in skytools.properties: queue a -> JMS -> queue b through the in-process broker. */
class RunJmsBridgeTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @TempDir
    Path dir;

    @Test
    void eventsTravelThroughTheBrokerAndBack() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('a')");
            s.exec("select pgq.create_queue('b')");
            s.exec("select pgq.set_queue_config('a', 'ticker_max_lag', '0')");
        }
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.ticker.period = 100ms",
                "skytools.management.enabled = false",
                "skytools.jms.dir = " + dir.resolve("artemis"),
                "skytools.bridge.out.type = queue-to-jms",
                "skytools.bridge.out.queue = a",
                "skytools.bridge.out.destination = x",
                "skytools.bridge.in.type = jms-to-queue",
                "skytools.bridge.in.queue = b",
                "skytools.bridge.in.destination = x", ""));
        Background run = InProcessCli.start("run", "--config", cfg.toString(), "--duration", "25");
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            try (Sql s = PG.db().open()) {
                return s.rows("select 1 from pgq.get_consumer_info('a', 'jms-out')").size() == 1;
            }
        });
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.insert_event('a', 'ping', g::text) from generate_series(1, 50) g");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Sql s = PG.db().open()) {
                return s.longValue("select count(*) from pgq.event_2") == 50;
            }
        });
        try (Sql s = PG.db().open()) {
            assertThat(s.longValue("select count(distinct ev_data) from pgq.event_2 where ev_type = 'ping'")).isEqualTo(50);
        }
        assertThat(run.exit(60)).as(run.err()).isZero();
        assertThat(run.out()).contains("bridge out: queue a").contains("bridge in: JMS x -> queue b")
                .contains("in-process ActiveMQ Artemis broker");
    }
}
