package io.camelskytools.runtime.run;

import static io.camelskytools.runtime.cli.InProcessCli.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.runtime.cli.InProcessCli;
import io.camelskytools.runtime.cli.InProcessCli.Background;
import io.camelskytools.runtime.cli.InProcessCli.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** skytools.management.user/.password protect health, metrics and the status page with basic authentication. */
class RunManagementAuthTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void managementNeedsTheConfiguredUser() throws Exception {
        int mgmtPort = freePort();
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('audit')");
        }
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.ticker.period = 200ms",
                "skytools.stats.period = 300ms",
                "skytools.management.user = ops",
                "skytools.management.port = " + mgmtPort, ""));
        Background run = InProcessCli.start(Map.of("SKYTOOLS_MANAGEMENT_PASSWORD", "s3cret=ok"),
                "run", "--config", cfg.toString(), "--duration", "15");
        String base = "http://127.0.0.1:" + mgmtPort;
        String good = "Basic " + Base64.getEncoder().encodeToString("ops:s3cret=ok".getBytes(StandardCharsets.UTF_8));
        String bad = "Basic " + Base64.getEncoder().encodeToString("ops:guess".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> get(base + "/observe/health", good).statusCode() == 200);

        for (String path : new String[] {"/observe/health", "/observe/metrics", "/status", "/status/data.json"}) {
            assertThat(get(base + path, null).statusCode()).as("%s without credentials", path).isEqualTo(401);
            assertThat(get(base + path, bad).statusCode()).as("%s with a wrong password", path).isEqualTo(401);
            assertThat(get(base + path, good).statusCode()).as("%s as ops", path).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> get(base + "/status/data.json", good).body().contains("\"queue\":\"audit\""));
        assertThat(run.out()).contains("basic authentication as ops").doesNotContain("s3cret");
        assertThat(run.exit(60)).isZero();
    }

    @Test
    void badCredentialsConfigurationFailsNamingTheKey() throws Exception {
        Path cfg = dir.resolve("bad.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.management.user = ops",
                "skytools.management.password = a,b", ""));
        Result badPassword = InProcessCli.run("run", "--config", cfg.toString(), "--duration", "5");
        assertThat(badPassword.exit()).isEqualTo(1);
        assertThat(badPassword.err()).contains("skytools.management.password may not contain ','");

        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.management.user = ops", ""));
        Result noPassword = InProcessCli.run("run", "--config", cfg.toString(), "--duration", "5");
        assertThat(noPassword.exit()).isEqualTo(1);
        assertThat(noPassword.err()).contains("skytools.management.password is not set");
    }

    private HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
