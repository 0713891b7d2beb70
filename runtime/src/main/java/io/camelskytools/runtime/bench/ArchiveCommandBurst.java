package io.camelskytools.runtime.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.camelskytools.walmgr.archive.ArchiveCommand;
import io.camelskytools.walmgr.archive.WalArchive;

/**
 * archive_command against archive_command: a burst of segments waits (.ready, with
 * archive_command empty), then PostgreSQL's archiver works through it with walmgr's
 * script and, in turn, with {@code cp %p DIR/%f && sync DIR/%f} on the same disk; timed from
 * the reload that sets the command until pg_stat_archiver counts the whole burst. Needs
 * archive_mode on (a restart) and archive_command not given on the server's command line;
 * the server's own archive_command comes back afterwards.
 */
final class ArchiveCommandBurst {

    private static final long SETTLE_PAUSE_MS = 3_000;

    private final BenchServer server;
    private final Path work;
    private final PrintWriter out;
    private final int segments;
    private final int rounds;

    ArchiveCommandBurst(BenchServer server, Path work, PrintWriter out, int segments, int rounds) {
        this.server = server;
        this.work = work;
        this.out = out;
        this.segments = segments;
        this.rounds = rounds;
    }

    /** Segments per second of ours and of cp + sync (medians), or null when the server cannot take the measure. */
    double[] run() throws Exception {
        out.printf("== archive_command: a burst of %d segments, walmgr_archive.sh against cp + sync; %d rounds%n",
                segments, rounds);
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            String why = cannotMeasure(c);
            if (why != null) {
                out.println("archive_command burst skipped: " + why);
                return null;
            }
            String original = text(c, "select current_setting('archive_command')");
            boolean fromAlterSystem = "t".equals(text(c, "select coalesce(sourcefile like '%postgresql.auto.conf', false)"
                                                         + " from pg_settings where name = 'archive_command'"));
            String owner = Files.getOwner(Path.of(text(c, "select current_setting('data_directory')"))).getName();
            // PostgreSQL's OS user runs archive_command: it must get through the work directory to the archives
            Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            st.execute("create table if not exists bench_archive_burst(id int)");
            List<Double> ours = new ArrayList<>();
            List<Double> cp = new ArrayList<>();
            try {
                for (int round = 1; round <= rounds; round++) {
                    boolean oursFirst = round % 2 == 1;
                    for (int turn = 0; turn < 2; turn++) {
                        if ((turn == 0) == oursFirst) {
                            ours.add(timeOurs(c, st, owner, round));
                        } else {
                            cp.add(timeCp(c, st, owner, round));
                        }
                    }
                }
            } finally {
                if (fromAlterSystem) {
                    setCommand(c, original);
                } else {
                    st.execute("alter system reset archive_command");
                    st.execute("select pg_reload_conf()");
                }
                st.execute("drop table if exists bench_archive_burst");
            }
            return new double[] {median(ours), median(cp)};
        }
    }

    /** Why this server cannot take the measure, or null. */
    private static String cannotMeasure(Connection c) throws SQLException {
        if ("off".equals(text(c, "select current_setting('archive_mode')"))) {
            return "archive_mode is off (set it on and restart the server to measure archive_command)";
        }
        if ("command line".equals(text(c, "select source from pg_settings where name = 'archive_command'"))) {
            return "archive_command is given on the server's command line, where ALTER SYSTEM cannot change it";
        }
        if (!Files.isDirectory(Path.of(text(c, "select current_setting('data_directory')")))) {
            return "the server's data directory is not on this host";
        }
        return null;
    }

    private double timeOurs(Connection c, Statement st, String owner, int round) throws Exception {
        Path dir = Files.createDirectories(work.resolve("archive-ours-" + round));
        WalArchive archive = WalArchive.open(dir);
        chown(owner, dir);
        ArchiveCommand.install(archive);
        double rate = timeBurst(c, st, ArchiveCommand.build(archive, false), "walmgr_archive.sh");
        WorkDirectory.delete(dir);
        return rate;
    }

    private double timeCp(Connection c, Statement st, String owner, int round) throws Exception {
        Path dir = Files.createDirectories(work.resolve("archive-cp-" + round));
        chown(owner, dir);
        String d = "'" + dir.toString().replace("'", "'\\''").replace("%", "%%") + "'";
        double rate = timeBurst(c, st, "cp %p " + d + "/%f && sync " + d + "/%f", "cp + sync");
        WorkDirectory.delete(dir);
        return rate;
    }

    /** The burst waits with archive_command empty; then the command is set and the archiver timed through it. */
    private double timeBurst(Connection c, Statement st, String command, String who) throws Exception {
        // what waits from before (this bench's other measures) is marked archived first: the burst is alone
        setCommand(c, "/bin/true");
        Path status = Path.of(text(c, "select current_setting('data_directory')"), "pg_wal", "archive_status");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (readyCount(status) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bench: the archiver did not clear its backlog in " + status);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        setCommand(c, "");
        for (int i = 0; i < segments; i++) {
            st.execute("insert into bench_archive_burst values (" + i + ")");
            st.execute("select pg_switch_wal()");
            BenchConsole.progress(out, who + ": a burst of segments", i + 1, segments);
        }
        st.execute("checkpoint");
        new ProcessBuilder("sync").start().waitFor();
        // the benchmark's rhythm, not a wait for a condition: the disk finishes its write-back (see WalmgrBenchmark)
        TimeUnit.MILLISECONDS.sleep(SETTLE_PAUSE_MS);
        long before = archivedCount(c);
        long t0 = System.nanoTime();
        setCommand(c, command);
        deadline = t0 + TimeUnit.MINUTES.toNanos(10);
        while (archivedCount(c) < before + segments) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bench: " + who + " did not archive " + segments + " segments within"
                                                + " 10 minutes (" + text(c, "select row(s.*)::text from pg_stat_archiver s")
                                                + ")");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        long nanos = System.nanoTime() - t0;
        setCommand(c, ""); // nothing more goes into the directory, which is deleted next
        double rate = segments / (nanos / 1e9);
        out.printf("%s: %d segments in %.2f s: %.1f segments/s%n", who, segments, nanos / 1e9, rate);
        return rate;
    }

    /** ALTER SYSTEM, a reload, and the server's word that it took it (the archiver reloads on the same signal). */
    private static void setCommand(Connection c, String command) throws Exception {
        String literal;
        // ALTER SYSTEM takes no parameters: the value is bound to quote_literal, which makes the literal
        try (PreparedStatement ps = c.prepareStatement("select quote_literal(?)")) {
            ps.setString(1, command);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                literal = rs.getString(1);
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("alter system set archive_command = " + literal);
            st.execute("select pg_reload_conf()");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!command.equals(text(c, "select current_setting('archive_command')"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bench: the server did not take archive_command = " + command);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private static long readyCount(Path status) throws java.io.IOException {
        try (var files = Files.list(status)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".ready")).count();
        }
    }

    private static long archivedCount(Connection c) throws SQLException {
        return Long.parseLong(text(c, "select archived_count from pg_stat_archiver"));
    }

    private static void chown(String owner, Path dir) throws Exception {
        if ("root".equals(System.getProperty("user.name")) && !"root".equals(owner)) {
            Process p = new ProcessBuilder("chown", "-R", owner + ":", dir.toString()).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("bench: chown " + owner + " " + dir + " failed");
            }
        }
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
