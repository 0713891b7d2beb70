package io.camelskytools.runtime.run;

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

import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import io.camelskytools.runtime.cli.InProcessCli;
import io.camelskytools.runtime.cli.InProcessCli.Background;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code skytools run} with a Londiste node in its configuration: it ticks the root (a
 * configured database) and runs the leaf's worker from its londiste3 ini file, which copies
 * the table and then follows the root; the status page, the metrics and health show the node,
 * and health goes DOWN when the worker cannot apply a change.
 */
class RunLondisteTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withLondiste();

    @TempDir
    Path dir;

    static String location(TestDb db) {
        return "host=" + db.server().host() + " port=" + db.server().port() + " dbname=" + db.name() + " user=postgres";
    }

    static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void runsTheLeafWorkerOfAnIniFile() throws Exception {
        int mgmtPort = InProcessCli.freePort();
        TestDb rootDb = PG.db();
        TestDb leafDb = PG.newDb(0, "leaf");
        try (Sql root = rootDb.open(); Sql leaf = leafDb.open()) {
            root.exec("create table public.t (id int primary key, v text)");
            leaf.exec("create table public.t (id int primary key, v text)");
            root.exec("insert into t select i, 'v' || i from generate_series(1, 500) i");
            new NodeSetup("rq", "rootjob").createRoot(root.connection(), "n1", location(rootDb));
            new NodeSetup("rq", "leafjob").createSubscriber(leaf.connection(), "leaf", "n2", location(leafDb),
                    location(rootDb));
            new TableSetup("rq").addTables(root.connection(), List.of("t"), false, AddTableOptions.DEFAULTS);
            new TableSetup("rq").addTables(leaf.connection(), List.of("t"), false, AddTableOptions.DEFAULTS);

            Path ini = Files.writeString(dir.resolve("leafjob.ini"), String.join("\n", "[londiste]",
                    "db = " + location(leafDb), "queue_name = rq", "loop_delay = 0.1", "logfile = x.log", ""));
            Path cfg = Files.writeString(dir.resolve("skytools.properties"), String.join("\n",
                    "skytools.db.root.url = " + rootDb.jdbcUrl(),
                    "skytools.ticker.period = 100ms",
                    "skytools.londiste.leaf.config = " + ini,
                    "skytools.stats.period = 300ms",
                    "skytools.management.port = " + mgmtPort, ""));
            Background run = InProcessCli.start("run", "--config", cfg.toString(), "--duration", "30");
            await().atMost(Duration.ofSeconds(30)).until(() -> run.out().contains("londiste worker leafjob on queue rq"));
            root.exec("update t set v = 'changed' where id <= 10");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                assertThat(leaf.value("select merge_state from londiste.table_info where table_name = 'public.t'"))
                        .isEqualTo("ok");
                assertThat(leaf.row("select count(*), count(*) filter (where v = 'changed') from t"))
                        .isEqualTo(root.row("select count(*), count(*) filter (where v = 'changed') from t"));
            });
            // the status page, the metrics and health show the node
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                String data = get(http, mgmtPort, "/status/data.json").body();
                assertThat(data).contains("\"job\":\"leafjob\"").contains("\"node\":\"n2\"")
                        .contains("\"public.t\":\"ok\"");
                String metrics = get(http, mgmtPort, "/observe/metrics").body();
                assertThat(metrics).contains("londiste_node_lag_seconds{node=\"n2\",queue=\"rq\"}")
                        .contains("londiste_tables{node=\"n2\",queue=\"rq\",state=\"ok\"} 1.0")
                        .contains("londiste_copy_rows{node=\"n2\",queue=\"rq\",table=\"public.t\"} 500.0")
                        .contains("londiste_copy_bytes{node=\"n2\",queue=\"rq\",table=\"public.t\"}");
                assertThat(get(http, mgmtPort, "/observe/health").statusCode()).isEqualTo(200);
            });
            // a change the leaf cannot apply: the worker reports it and health goes DOWN saying so
            leaf.exec("alter table t drop column v");
            root.exec("update t set v = 'breaks' where id = 1");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                HttpResponse<String> h = get(http, mgmtPort, "/observe/health?exposureLevel=full");
                assertThat(h.statusCode()).isEqualTo(503);
                assertThat(h.body()).contains("londiste-leafjob").contains("worker error");
            });
            assertThat(run.exit(60)).as(run.err()).isZero();
            assertThat(run.out()).contains("route londiste-leafjob)");
        }
    }
}
