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
 * Skytools' own londiste3 (python3-londiste) on our pgq, pgq_node and londiste, with pgqd
 * ticking: create-root and create-branch, add-table on both (the branch copies the rows
 * already there in a copy process, catches up and hands the table over to the worker, the
 * foreign key it dropped for the copy comes back), changes made later reach the branch,
 * add-seq publishes and applies a sequence, and execute runs a script on both.
 */
@Tag("needs-debian")
class LondistePythonInteropTest {

    private static final String LONDISTE = "/usr/bin/londiste";
    private static final String PGQD = "/usr/bin/pgqd";

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopProcesses() {
        processes.forEach(Process::destroy);
        // the copy process is the branch worker's child: its pidfile names it
        try {
            Path copyPid = dir.resolve("n2db.pid.copy.public.t");
            if (Files.exists(copyPid)) {
                ProcessHandle.of(Long.parseLong(Files.readString(copyPid).trim())).ifPresent(ProcessHandle::destroy);
            }
        } catch (IOException | NumberFormatException e) {
            // gone already
        }
    }

    @Test
    void londiste3ReplicatesATableASequenceAndAScript() throws Exception {
        assertThat(Path.of(LONDISTE)).as("londiste (Debian package python3-londiste)").isExecutable();
        assertThat(Path.of(PGQD)).as("pgqd (Debian package pgqd)").isExecutable();
        try (SystemPgServer pg = SystemPgServer.start(PgTestConfig.bin())) {
            String cs = "host=127.0.0.1 port=" + pg.port() + " user=postgres";
            try (Sql s = sql(pg, "postgres")) {
                s.exec("create database n1db");
                s.exec("create database n2db");
            }
            for (String db : List.of("n1db", "n2db")) {
                try (Sql s = sql(pg, db)) {
                    SchemaInstaller.installPgq(s.connection());
                    SchemaInstaller.installPgqNode(s.connection());
                    assertThat(SchemaInstaller.installLondiste(s.connection())).isEqualTo(SchemaInstaller.Outcome.INSTALLED);
                    s.exec("create table public.t (id serial primary key, v text)");
                    s.exec("create table public.c (id int primary key, tid int constraint c_tid_fkey references public.t (id))");
                    s.exec("create sequence public.s1");
                }
                Files.writeString(dir.resolve(db + ".ini"), String.join("\n",
                        "[londiste]", "job_name = lond_" + db, "db = " + cs + " dbname=" + db, "queue_name = lq",
                        "logfile = " + dir.resolve(db + ".log"), "pidfile = " + dir.resolve(db + ".pid"),
                        "loop_delay = 0.2", ""));
            }
            Files.writeString(dir.resolve("pgqd.ini"), String.join("\n", "[pgqd]", "base_connstr = " + cs,
                    "database_list = n1db,n2db", "logfile = " + dir.resolve("pgqd.log"),
                    "pidfile = " + dir.resolve("pgqd.pid"), "ticker_period = 0.2", "maint_period = 1",
                    "check_period = 1", "syslog = 0", ""));
            Files.writeString(dir.resolve("add_extra.sql"), "--*-- Local-Table: public.t\nalter table public.t add column extra text;\n");

            try (Sql n1 = sql(pg, "n1db"); Sql n2 = sql(pg, "n2db")) {
                n1.exec("insert into public.t (v) select 'r' || g from generate_series(1, 5) g");
                assertThat(londiste("n1db", "create-root", "n1", cs + " dbname=n1db"))
                        .contains("Node \"n1\" initialized for queue \"lq\" with type \"root\"");
                assertThat(londiste("n2db", "create-branch", "n2", cs + " dbname=n2db", "--provider=" + cs + " dbname=n1db"))
                        .contains("Node \"n2\" initialized for queue \"lq\" with type \"branch\"");
                assertThat(londiste("n1db", "add-table", "public.t", "public.c"))
                        .contains("Table added: public.t").contains("Table added: public.c");
                assertThat(londiste("n2db", "add-table", "public.t", "public.c"))
                        .contains("Table added: public.t").contains("Table added: public.c");

                start("pgqd", PGQD, dir.resolve("pgqd.ini").toString());
                start("n1db", LONDISTE, dir.resolve("n1db.ini").toString(), "worker");
                start("n2db", LONDISTE, dir.resolve("n2db.ini").toString(), "worker");

                // copy, catch up, hand over; then the fkey dropped for the copy comes back
                await("both tables in sync on the branch").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .until(() -> n2.longValue("select count(*) from londiste.table_info where local and merge_state = 'ok'") == 2);
                assertThat(n2.longValue("select count(*) from public.t")).isEqualTo(5);
                n1.exec("insert into public.t (v) values ('later')");
                n1.exec("insert into public.c values (1, 6)");
                n1.exec("update public.t set v = 'changed' where id = 1");
                await("later changes reach the branch").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> n2.longValue("select count(*) from public.c") == 1
                                && "changed".equals(n2.value("select v from public.t where id = 1")));
                await("the fkey is restored").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> n2.longValue("select count(*) from pg_constraint where conname = 'c_tid_fkey' and convalidated") == 1);
                assertThat(n2.longValue("select count(*) from londiste.pending_fkeys")).isZero();
                assertThat(n2.column("select v from public.t order by id")).containsExactly("changed", "r2", "r3", "r4", "r5", "later");

                // a sequence: published by the root, applied on the branch
                assertThat(londiste("n1db", "add-seq", "public.s1")).contains("Sequence added: public.s1");
                await("the branch hears of the sequence").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> n2.longValue("select count(*) from londiste.seq_info") == 1);
                assertThat(londiste("n2db", "add-seq", "public.s1")).contains("Sequence added: public.s1");
                assertThat(n2.longValue("select last_value from public.s1")).isEqualTo(30001);

                // a script: run on the root, then on the branch at the same place in the stream
                assertThat(londiste("n1db", "execute", dir.resolve("add_extra.sql").toString()))
                        .contains("Execute finished: add_extra.sql");
                await("the script runs on the branch").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> n2.longValue("select count(*) from pg_attribute where attrelid = 'public.t'::regclass"
                                + " and attname = 'extra'") == 1);
                assertThat(n2.column("select execute_file from londiste.applied_execute")).containsExactly("add_extra.sql");
                assertThat(londiste("n2db", "tables")).contains("public.t").contains("public.c");
            }
        }
    }

    /** Runs londiste on a node's config; fails unless it exits 0. Returns its output. */
    private String londiste(String db, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LONDISTE, dir.resolve(db + ".ini").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("londiste %s finished", List.of(args)).isTrue();
        assertThat(p.exitValue()).as("londiste %s: %s", List.of(args), out).isZero();
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
