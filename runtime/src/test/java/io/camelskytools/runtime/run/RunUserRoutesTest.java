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

/** `skytools run --routes` with a user's YAML route that reads its own keys and camel.* settings from the config file. */
class RunUserRoutesTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @TempDir
    Path dir;

    @Test
    void userRoutesSeeTheConfigFile() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('greetings')");
        }
        Path routes = dir.resolve("greet.yaml");
        Files.writeString(routes, String.join("\n",
                "- route:",
                "    id: greeter",
                "    from:",
                "      uri: \"timer:greet?repeatCount=1\"",
                "      steps:",
                "        - setBody:",
                "            simple: \"{{greeting}} ${camelId}\"",
                "        - to: \"pgq:greetings?dataSource=#db-main\"", ""));
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.management.enabled = false",
                "greeting = hello from the config file",
                "camel.main.name = greeter-app", ""));
        Background run = InProcessCli.start("run", "--config", cfg.toString(), "--routes", "file:" + routes,
                "--duration", "8");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Sql s = PG.db().open()) {
                return s.longValue("select count(*) from pgq.event_template") > 0;
            }
        });
        try (Sql s = PG.db().open()) {
            assertThat(s.value("select ev_data from pgq.event_template")).isEqualTo("hello from the config file greeter-app");
        }
        assertThat(run.exit(60)).as(run.err()).isZero();
    }
}
