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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP bridge of the packaged jar, over real HTTP: the curl examples of docs/bridges.md
 * run as written and answer what the page says, and every refusal (a body that is not JSON,
 * a form, a body over the limit) answers the documented JSON, inserts nothing and logs no error.
 */
class RunHttpBridgeIT {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    private static final Path BRIDGES_DOC = Path.of("..", "docs", "bridges.md");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Needs curl (`.ci/run` installs it), hence the tag: plain `mvn verify` asks for nothing but a JDK. */
    @Test
    @Tag("needs-debian")
    void docsCurlExamplesWorkAsWritten() throws Exception {
        int httpPort = freePort();
        try (SkytoolsProcess run = startBridge(httpPort)) {
            List<String[]> examples = curlExamples();
            assertThat(examples).as("curl examples in %s", BRIDGES_DOC).hasSizeGreaterThanOrEqualTo(3);
            for (String[] example : examples) {
                String command = example[0].replace("127.0.0.1:8080", "127.0.0.1:" + httpPort);
                Process curl = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
                assertThat(curl.waitFor(30, TimeUnit.SECONDS)).as(command).isTrue();
                String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                // event ids differ from the page's; everything else is as written
                assertThat(answer.replaceAll("\\d+", "N")).as(command).isEqualTo(example[1].replaceAll("\\d+", "N"));
            }
            assertThat(events()).as("the documented examples' events").isEqualTo(3);
            assertThat(run.signal("INT", 30)).isTrue();
        }
    }

    @Test
    void refusalsAnswerJsonInsertNothingAndLogNoError() throws Exception {
        int httpPort = freePort();
        try (SkytoolsProcess run = startBridge(httpPort)) {
            String events = "http://127.0.0.1:" + httpPort + "/queues/orders/events";
            assertThat(run.output()).contains("JSON bodies up to 65536 bytes");

            HttpResponse<String> plain = post(events, "text/plain", "{\"id\": 5}");
            assertThat(plain.statusCode()).isEqualTo(415);
            assertThat(plain.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(plain.body()).isEqualTo("{\"error\":\"Content-Type text/plain is not accepted: send JSON with"
                                               + " Content-Type: application/json\"}");
            HttpResponse<String> xml = post(events, "application/xml", "{\"id\": 6}");
            assertThat(xml.statusCode()).isEqualTo(415);
            HttpResponse<String> form = post(events, "application/x-www-form-urlencoded", "id=7");
            assertThat(form.statusCode()).isEqualTo(415);
            assertThat(form.body()).contains("form bodies are not accepted");
            assertThat(events()).as("nothing inserted by a refusal").isZero();
            HttpResponse<String> charset = post(events, "application/json; charset=utf-8", "{\"id\": 8}");
            assertThat(charset.statusCode()).isEqualTo(201);
            assertThat(charset.body()).matches("\\{\"queue\":\"orders\",\"ids\":\\[\\d+]}");

            String big = "\"" + "x".repeat(80_000) + "\"";
            HttpResponse<String> tooBig = post(events, "application/json", big);
            assertThat(tooBig.statusCode()).isEqualTo(413);
            assertThat(tooBig.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(tooBig.body()).isEqualTo("{\"error\":\"body larger than 65536 bytes (skytools.http.max-body-size);"
                                                + " nothing was inserted\"}");
            HttpResponse<String> justUnder = post(events, "application/json", "\"" + "y".repeat(60_000) + "\"");
            assertThat(justUnder.statusCode()).isEqualTo(201);
            assertThat(events()).as("only the JSON ones within the limit").isEqualTo(2);

            assertThat(run.signal("INT", 30)).isTrue();
            assertThat(run.output()).doesNotContain("Unhandled exception");
            assertThat(run.lines(" ERROR ")).as("errors; output:%n%s", run.output()).isEmpty();
            assertThat(run.lines(" WARN ")).as("warnings; output:%n%s", run.output()).isEmpty();
        }
    }

    /** `skytools run` with the bridge on {@code httpPort} (bodies up to 64 kB) over a queue 'orders', once it serves. */
    private SkytoolsProcess startBridge(int httpPort) throws Exception {
        try (Sql s = PG.db().open()) {
            s.exec("select pgq.create_queue('orders')");
        }
        Path cfg = dir.resolve("skytools.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.db.main.url = " + PG.db().jdbcUrl(),
                "skytools.http.enabled = true",
                "skytools.http.port = " + httpPort,
                "skytools.http.max-body-size = 64kB",
                "skytools.management.enabled = false", ""));
        SkytoolsProcess run = SkytoolsProcess.start("run", "--config", cfg.toString());
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> run.output().contains("Started http-ingest"));
        } catch (RuntimeException e) {
            run.close();
            throw new AssertionError("the bridge did not start; output:\n" + run.output(), e);
        }
        return run;
    }

    /** The curl commands of the bridges page's HTTP section (continuation lines joined), each with the answer it shows. */
    private static List<String[]> curlExamples() throws Exception {
        String doc = Files.readString(BRIDGES_DOC);
        String section = doc.substring(doc.indexOf("## HTTP -> queue"), doc.indexOf("## Queue -> JMS"));
        String block = section.substring(section.indexOf("```bash") + 7, section.indexOf("```", section.indexOf("```bash") + 7));
        List<String[]> out = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        for (String line : block.strip().split("\n")) {
            if (line.startsWith("# answers ")) {
                out.add(new String[] {command.toString(), line.substring(line.indexOf(": ") + 2)});
                command.setLength(0);
            } else if (line.endsWith("\\")) {
                command.append(line, 0, line.length() - 1).append(' ');
            } else {
                command.append(line);
            }
        }
        return out;
    }

    private static long events() throws Exception {
        try (Sql s = PG.db().open()) {
            return s.longValue("select count(*) from pgq.event_template");
        }
    }

    private HttpResponse<String> post(String url, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
