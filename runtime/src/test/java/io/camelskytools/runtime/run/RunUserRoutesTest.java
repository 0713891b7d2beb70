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

    @Test
    void userRoutesUseTheKameletsAndTheRouteTemplates() throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('hello')");
            s.exec("select pgq.set_queue_config('hello', 'ticker_max_lag', '0')");
            s.exec("select pgq.register_consumer('hello', 'hello-table')");
            s.exec("create table hello (id int primary key)");
        }
        Path routes = dir.resolve("hello.yaml");
        Files.writeString(routes, String.join("\n",
                "- route:",
                "    id: hello-sink",
                "    from:",
                "      uri: \"timer:hello?repeatCount=3&includeMetadata=true\"",
                "      steps:",
                "        - setBody:",
                "            simple: \"id=${header.CamelTimerCounter}\"",
                "        - to: \"kamelet:pgq-sink?queue=hello&eventType=hello&jdbcUrl=RAW(" + PG.db().jdbcUrl() + ")\"",
                "- templatedRoute:",
                "    routeTemplateRef: simple-local-consumer",
                "    routeId: hello-table",
                "    parameters:",
                "      - name: db",
                "        value: db-main",
                "      - name: queue",
                "        value: hello",
                "      - name: consumer",
                "        value: hello-table",
                "      - name: events",
                "        value: all",
                "      - name: query",
                "        value: \"insert into hello (id) values (%(id)s)\"", ""));
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.ticker.period = 50ms",
                "skytools.management.enabled = false", ""));
        Background run = InProcessCli.start("run", "--config", cfg.toString(), "--routes", "file:" + routes,
                "--duration", "15");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (Sql s = PG.db().open()) {
                return s.longValue("select count(*) from hello") == 3;
            }
        });
        try (Sql s = PG.db().open()) {
            assertThat(s.column("select ev_type from pgq.event_template")).containsOnly("hello").hasSize(3);
        }
        assertThat(run.exit(60)).as(run.err()).isZero();
    }
}
