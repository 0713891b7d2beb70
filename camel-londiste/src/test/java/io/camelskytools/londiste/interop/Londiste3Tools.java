package io.camelskytools.londiste.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.camelskytools.pgq.harness.PgServer;

/**
 * Skytools' own tools for a test: python londiste3 run on a node's ini file (one command, or
 * its worker in the background) and pgqd per server. Everything started stops on close.
 */
final class Londiste3Tools implements AutoCloseable {

    static final String LONDISTE = "/usr/bin/londiste";
    static final String PGQD = "/usr/bin/pgqd";

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();

    Londiste3Tools(Path dir) {
        this.dir = dir;
    }

    /** The libpq location of {@code db} on {@code server}, as pgq_node stores it. */
    static String location(PgServer server, String db) {
        return "host=" + server.host() + " port=" + server.port() + " dbname=" + db + " user=" + server.user();
    }

    /** A londiste3 ini for the node in {@code db}; both tools read it (job_name = lond_DB). */
    Path ini(PgServer server, String db, String queue) throws IOException {
        Path ini = dir.resolve(db + ".ini");
        Files.writeString(ini, String.join("\n", "[londiste]", "job_name = lond_" + db,
                "db = " + location(server, db), "queue_name = " + queue, "logfile = " + dir.resolve(db + ".log"),
                "pidfile = " + dir.resolve(db + ".pid"), "loop_delay = 0.2", ""));
        return ini;
    }

    /** Runs londiste3 on {@code ini}; fails unless it exits 0. Its output. */
    String londiste(Path ini, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LONDISTE, ini.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
        assertThat(p.exitValue()).as("%s: %s", cmd, out).isZero();
        return out;
    }

    /** Starts londiste3's worker on {@code ini}; its output goes to DB.worker.out. */
    Process worker(Path ini) throws IOException {
        String name = ini.getFileName().toString().replace(".ini", "");
        return start(dir.resolve(name + ".worker.out"), LONDISTE, ini.toString(), "worker");
    }

    /** Starts pgqd for {@code db} on {@code server}: ticks its root queues, runs maintenance. */
    Process pgqd(PgServer server, String db) throws IOException {
        Path ini = dir.resolve("pgqd-" + db + ".ini");
        Files.writeString(ini, String.join("\n", "[pgqd]",
                "base_connstr = host=" + server.host() + " port=" + server.port() + " user=" + server.user(),
                "database_list = " + db, "logfile = " + dir.resolve("pgqd-" + db + ".log"),
                "pidfile = " + dir.resolve("pgqd-" + db + ".pid"), "ticker_period = 0.2", "maint_period = 1",
                "check_period = 1", "syslog = 0", ""));
        return start(dir.resolve("pgqd-" + db + ".out"), PGQD, ini.toString());
    }

    /** What londiste3's worker on {@code db} logged (for failure messages). */
    String log(String db) throws IOException {
        Path log = dir.resolve(db + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private Process start(Path out, String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        processes.add(p);
        return p;
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        processes.clear();
    }
}
