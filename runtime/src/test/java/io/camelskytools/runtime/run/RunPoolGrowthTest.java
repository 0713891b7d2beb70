package io.camelskytools.runtime.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.runtime.cli.InProcessCli;
import io.camelskytools.runtime.cli.InProcessCli.Background;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * `skytools run --routes` with more pgq consumers of the user's than the database's pool was
 * sized for: each holds two connections while it runs (its poll, its tick listener), six
 * consumers twelve, and the ticker and their producers need more. Every consumer must get its
 * events through.
 */
class RunPoolGrowthTest {

    private static final int CONSUMERS = 6;

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @TempDir
    Path dir;

    @Test
    void manyUserConsumersOnOneDatabaseAllRun() throws Exception {
        List<String> yaml = new ArrayList<>();
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('done')");
            for (int i = 1; i <= CONSUMERS; i++) {
                s.exec("select pgq.create_queue('in" + i + "')");
                s.exec("select pgq.set_queue_config('in" + i + "', 'ticker_max_lag', '0')");
                yaml.addAll(List.of(
                        "- route:",
                        "    id: relay-" + i,
                        "    from:",
                        "      uri: \"pgq:in" + i + "?dataSource=#db-main&consumerName=relay&exclusive=false\"",
                        "      steps:",
                        "        - setBody:",
                        "            simple: \"done ${body}\"",
                        "        - to: \"pgq:done?dataSource=#db-main\""));
            }
        }
        yaml.add("");
        Path routes = dir.resolve("relays.yaml");
        Files.writeString(routes, String.join("\n", yaml));
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.management.enabled = false", ""));
        Background run = InProcessCli.start("run", "--config", cfg.toString(), "--routes", "file:" + routes,
                "--duration", "25");
        try (Sql s = PG.db().open()) {
            // registered at start: events written from now on are theirs
            await().atMost(Duration.ofSeconds(30)).until(() -> s.longValue(
                    "select count(*) from pgq.get_consumer_info() where consumer_name = 'relay'") == CONSUMERS);
            for (int i = 1; i <= CONSUMERS; i++) {
                s.exec("select pgq.insert_event('in" + i + "', 'hello', 'from in" + i + "')");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> s.longValue(
                    "select count(*) from pgq.event_template where ev_data like 'done from in%'") == CONSUMERS);
            assertThat(s.column("select ev_data from pgq.event_template where ev_data like 'done %' order by ev_data"))
                    .hasSize(CONSUMERS).doesNotHaveDuplicates();
        }
        assertThat(run.exit(60)).as(run.err()).isZero();
    }
}
