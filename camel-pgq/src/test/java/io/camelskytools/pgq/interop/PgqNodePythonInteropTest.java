package io.camelskytools.pgq.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.pgq.schema.SchemaInstaller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Skytools' own cascade tools on our pgq_node: python3-pgq's CascadeAdmin (setadm) creates a
 * root, a branch and a leaf, python3-pgq CascadedWorkers keep them up to date while pgqd
 * ticks, and the same admin switches the root over to the branch (takeover), after which
 * events produced on the new root reach both other nodes.
 */
@Tag("needs-debian")
class PgqNodePythonInteropTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final String PGQD = "/usr/bin/pgqd";

    /** python3-pgq's CascadeAdmin; its takeover reads --all, which only londiste's admin defines. */
    private static final String ADMIN = """
            import sys
            from pgq.cascade.admin import CascadeAdmin

            class Admin(CascadeAdmin):
                def init_optparse(self, parser=None):
                    p = super().init_optparse(parser)
                    p.add_option("--all", action="store_true", help="takeover: move every subscriber")
                    return p

            if __name__ == '__main__':
                Admin('setadm', 'node_db', sys.argv[1:], worker_setup=False).start()
            """;

    /** A CascadedWorker that records the data events it applies in table applied. */
    private static final String WORKER = """
            import sys
            import pgq

            class Worker(pgq.CascadedWorker):
                def process_remote_batch(self, src_db, tick_id, event_list, dst_db):
                    # a branch copies events into a queue closed to producers: only a replica may
                    dst_db.cursor().execute("set session_replication_role = 'replica'")
                    super().process_remote_batch(src_db, tick_id, event_list, dst_db)

                def process_remote_event(self, src_curs, dst_curs, ev):
                    if ev.ev_type.startswith('pgq.'):
                        super().process_remote_event(src_curs, dst_curs, ev)
                        return
                    dst_curs.execute("insert into applied (ev_id, ev_data) values (%s, %s)", [ev.ev_id, ev.ev_data])

            if __name__ == '__main__':
                Worker('worker', 'db', sys.argv[1:]).start()
            """;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void setadmBuildsACascadeWorkersFeedItAndTakeoverMovesTheRoot() throws Exception {
        assertThat(Path.of(PGQD)).as("pgqd (Debian package pgqd)").isExecutable();
        assertThat(Path.of("/usr/lib/python3/dist-packages/pgq/cascade/admin.py")).as("python3-pgq").exists();
        try (SystemPgServer pg = SystemPgServer.start(PgTestConfig.bin())) {
            String cs = "host=127.0.0.1 port=" + pg.port() + " user=postgres";
            try (Sql s = sql(pg, "postgres")) {
                for (String db : List.of("n1db", "n2db", "n3db")) {
                    s.exec("create database " + db);
                }
            }
            for (String db : List.of("n1db", "n2db", "n3db")) {
                try (Sql s = sql(pg, db)) {
                    SchemaInstaller.installPgq(s.connection());
                    assertThat(SchemaInstaller.installPgqNode(s.connection())).isEqualTo(SchemaInstaller.Outcome.INSTALLED);
                    s.exec("create table applied (ev_id bigint primary key, ev_data text)");
                }
                Files.writeString(dir.resolve(db + ".ini"), String.join("\n",
                        "[setadm]", "job_name = admin_" + db, "node_db = " + cs + " dbname=" + db, "queue_name = pq",
                        "logfile = " + dir.resolve("admin_" + db + ".log"), "pidfile = " + dir.resolve("admin_" + db + ".pid"),
                        "", "[worker]", "job_name = w_" + db, "db = " + cs + " dbname=" + db, "queue_name = pq",
                        "logfile = " + dir.resolve("w_" + db + ".log"), "pidfile = " + dir.resolve("w_" + db + ".pid"),
                        "loop_delay = 0.1", "local_wm_publish_period = 1", "global_wm_publish_period = 1", ""));
            }
            Files.writeString(dir.resolve("admin.py"), ADMIN);
            Files.writeString(dir.resolve("worker.py"), WORKER);
            Files.writeString(dir.resolve("pgqd.ini"), String.join("\n", "[pgqd]", "base_connstr = " + cs,
                    "database_list = n1db,n2db,n3db", "logfile = " + dir.resolve("pgqd.log"),
                    "pidfile = " + dir.resolve("pgqd.pid"), "ticker_period = 0.2", "maint_period = 1",
                    "check_period = 1", "syslog = 0", ""));

            assertThat(admin("n1db", "create-root", "n1", cs + " dbname=n1db", "--worker=w_n1db"))
                    .contains("Node \"n1\" initialized for queue \"pq\" with type \"root\"");
            assertThat(admin("n2db", "create-branch", "n2", cs + " dbname=n2db", "--provider=" + cs + " dbname=n1db",
                    "--worker=w_n2db")).contains("Node \"n2\" initialized for queue \"pq\" with type \"branch\"");
            assertThat(admin("n3db", "create-leaf", "n3", cs + " dbname=n3db", "--provider=" + cs + " dbname=n2db",
                    "--worker=w_n3db")).contains("Node \"n3\" initialized for queue \"pq\" with type \"leaf\"");

            start("pgqd", PGQD, dir.resolve("pgqd.ini").toString());
            for (String db : List.of("n1db", "n2db", "n3db")) {
                start("w_" + db, PYTHON, dir.resolve("worker.py").toString(), dir.resolve(db + ".ini").toString());
            }
            try (Sql n1 = sql(pg, "n1db"); Sql n2 = sql(pg, "n2db"); Sql n3 = sql(pg, "n3db")) {
                n1.exec("select pgq.insert_event('pq', 'order', 'o' || g) from generate_series(1, 20) g");
                await("the leaf applies every event").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> n3.longValue("select count(*) from applied") == 20);
                assertThat(n2.longValue("select count(*) from applied")).isEqualTo(20);
                assertThat(admin("n3db", "status")).contains("n1 (root)").contains("n2 (branch)").contains("n3 (leaf)");

                // the workers report their watermarks, the root's worker publishes the global one
                // and the branch's worker applies it
                await("the global watermark moves on").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> n2.longValue("select global_watermark from pgq_node.get_node_info('pq')") > 1);

                String takeover = admin("n2db", "takeover", "n1", "--node=n2");
                assertThat(takeover).contains("Step 2: Inserted last tick: pq").contains("Branch node promoted to root")
                        .contains("Step 3: Demoted root to branch: pq");
                assertThat(n2.row("select node_type, provider_node from pgq_node.get_node_info('pq')"))
                        .containsEntry("node_type", "root").containsEntry("provider_node", "n2");
                assertThat(n1.row("select node_type, provider_node from pgq_node.get_node_info('pq')"))
                        .containsEntry("node_type", "branch").containsEntry("provider_node", "n2");

                long after = n2.longValue("select pgq.insert_event('pq', 'order', 'after the takeover')");
                await("the old root and the leaf get the new root's event").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> n3.longValue("select count(*) from applied") == 21
                                && n1.longValue("select count(*) from applied") == 1);
                assertThat(n1.value("select ev_data from applied")).isEqualTo("after the takeover");
                assertThat(n3.value("select ev_id from applied where ev_data = 'after the takeover'")).isEqualTo(after);
                assertThat(admin("n3db", "status")).contains("n2 (root)").contains("n1 (branch)");
            }
        }
    }

    /** Runs the admin on a node's config; fails unless it exits 0. Returns its output. */
    private String admin(String db, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, dir.resolve("admin.py").toString(), dir.resolve(db + ".ini").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("admin %s finished", List.of(args)).isTrue();
        assertThat(p.exitValue()).as("admin %s: %s", List.of(args), out).isZero();
        return out;
    }

    private void start(String name, String... cmd) throws IOException {
        processes.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".out").toFile()).start());
    }

    private static Sql sql(SystemPgServer pg, String db) throws Exception {
        return new Sql(DriverManager.getConnection(pg.jdbcUrl(db)));
    }
}
