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

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.server.ReplicationSlots;
import io.camelskytools.walmgr.stream.ArchiverSettings;
import io.camelskytools.walmgr.stream.StreamingArchiver;
import io.camelskytools.walmgr.stream.WalSource;

/**
 * What zero data loss costs a commit: single-row commits (synchronous_commit on) timed one
 * by one with no synchronous standby, with our archiver in synchronous mode as the
 * synchronous standby (application_name walmgr), and with {@code pg_receivewal --synchronous}
 * (application_name pg_receivewal). synchronous_standby_names is set by ALTER SYSTEM and
 * put back afterwards; slots bench_walmgr_sync_* and table bench_sync_commit are dropped.
 */
final class SynchronousCommitLatency {

    private static final String OURS_SLOT = "bench_walmgr_sync_ours";
    private static final String RECV_SLOT = "bench_walmgr_sync_recv";
    private static final int WARM_UP_COMMITS = 200;

    private final BenchServer server;
    private final String receivewal;
    private final String conninfo;
    private final Path work;
    private final PrintWriter out;
    private final int commits;

    SynchronousCommitLatency(BenchServer server, String receivewal, String conninfo, Path work, PrintWriter out,
                             int commits) {
        this.server = server;
        this.receivewal = receivewal;
        this.conninfo = conninfo;
        this.work = work;
        this.out = out;
        this.commits = commits;
    }

    /** p50 and p99 commit latency in ms: no standby, ours, pg_receivewal; null when the server cannot take it. */
    double[][] run() throws Exception {
        out.printf("== synchronous standby: %d single-row commits each, no standby / ours / pg_receivewal"
                   + " --synchronous%n", commits);
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            if ("command line".equals(text(c, "select source from pg_settings where name = 'synchronous_standby_names'"))) {
                out.println("synchronous standby measure skipped: synchronous_standby_names is given on the server's"
                            + " command line, where ALTER SYSTEM cannot change it");
                return null;
            }
            String original = text(c, "select current_setting('synchronous_standby_names')");
            boolean fromAlterSystem = "t".equals(text(c, "select coalesce(sourcefile like '%postgresql.auto.conf',"
                                                         + " false) from pg_settings where name = 'synchronous_standby_names'"));
            ReplicationSlots slots = new ReplicationSlots(c);
            for (String slot : List.of(OURS_SLOT, RECV_SLOT)) {
                slots.dropIfIdle(slot);
                slots.createPhysical(slot);
            }
            st.execute("create table if not exists bench_sync_commit(id bigserial, pad text)");
            try {
                setStandbyNames(c, "");
                double[] none = measure(c, "no synchronous standby");
                double[] ours = withOurs(c);
                double[] recv = withReceivewal(c);
                return new double[][] {none, ours, recv};
            } finally {
                if (fromAlterSystem) {
                    setStandbyNames(c, original);
                } else {
                    st.execute("alter system reset synchronous_standby_names");
                    st.execute("select pg_reload_conf()");
                }
                st.execute("drop table if exists bench_sync_commit");
                for (String slot : List.of(OURS_SLOT, RECV_SLOT)) {
                    slots.dropIfIdle(slot);
                }
            }
        }
    }

    private double[] withOurs(Connection c) throws Exception {
        Path dir = Files.createDirectories(work.resolve("sync-ours"));
        StreamingArchiver a = new StreamingArchiver(WalSource.of(server.url(), server.user(), server.password()),
                WalArchive.open(dir), ArchiverSettings.defaults().withSlot(OURS_SLOT).withCreateSlot(false)
                        .withSynchronous(true), (f, lsn) -> { });
        a.start();
        try {
            return asSynchronousStandby(c, "walmgr", "ours (synchronous mode)", a::isRunning);
        } finally {
            setStandbyNames(c, "");
            a.stop();
            WorkDirectory.delete(dir);
        }
    }

    private double[] withReceivewal(Connection c) throws Exception {
        Path dir = Files.createDirectories(work.resolve("sync-recv"));
        ProcessBuilder pb = new ProcessBuilder(receivewal, "-D", dir.toString(), "-S", RECV_SLOT, "-d", conninfo,
                "--no-loop", "-n", "--synchronous").redirectErrorStream(true)
                .redirectOutput(work.resolve("pg_receivewal-sync.log").toFile());
        if (server.password() != null) {
            pb.environment().put("PGPASSWORD", server.password());
        }
        Process p = pb.start();
        try {
            return asSynchronousStandby(c, "pg_receivewal", "pg_receivewal --synchronous", p::isAlive);
        } finally {
            setStandbyNames(c, "");
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            WorkDirectory.delete(dir);
        }
    }

    private interface Alive {
        boolean alive() throws Exception;
    }

    /** Names the standby synchronous once it streams, waits until the server calls it sync, then times commits. */
    private double[] asSynchronousStandby(Connection c, String applicationName, String who, Alive alive) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean named = false;
        while (true) {
            if (!alive.alive()) {
                throw new IllegalStateException("bench: " + who + " stopped before it streamed (see " + work + ")");
            }
            String state = state(c, applicationName);
            if (!named && "streaming".equals(state)) {
                setStandbyNames(c, applicationName);
                named = true;
            }
            if (named && "sync".equals(syncState(c, applicationName))) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bench: " + who + " did not become the synchronous standby in 60 s");
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return measure(c, who);
    }

    private double[] measure(Connection c, String who) throws SQLException {
        List<Double> ms = new ArrayList<>(commits);
        try (PreparedStatement ps = c.prepareStatement("insert into bench_sync_commit(pad) values (repeat('x', 100))")) {
            for (int i = 0; i < WARM_UP_COMMITS + commits; i++) {
                long t0 = System.nanoTime();
                ps.executeUpdate();
                if (i >= WARM_UP_COMMITS) {
                    ms.add((System.nanoTime() - t0) / 1e6);
                }
            }
        }
        ms.sort(null);
        double p50 = ms.get(ms.size() / 2);
        double p99 = ms.get(Math.min(ms.size() - 1, (int) Math.ceil(ms.size() * 0.99) - 1));
        out.printf("%s: commit p50 %.2f ms, p99 %.2f ms%n", who, p50, p99);
        return new double[] {p50, p99};
    }

    private static void setStandbyNames(Connection c, String names) throws Exception {
        String literal;
        // ALTER SYSTEM takes no parameters: the value is bound to quote_literal, which makes the literal
        try (PreparedStatement ps = c.prepareStatement("select quote_literal(?)")) {
            ps.setString(1, names);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                literal = rs.getString(1);
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("alter system set synchronous_standby_names = " + literal);
            st.execute("select pg_reload_conf()");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!names.equals(text(c, "select current_setting('synchronous_standby_names')"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bench: the server did not take synchronous_standby_names = " + names);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private static String state(Connection c, String applicationName) throws SQLException {
        return bound(c, "select state from pg_stat_replication where application_name = ?", applicationName);
    }

    private static String syncState(Connection c, String applicationName) throws SQLException {
        return bound(c, "select sync_state from pg_stat_replication where application_name = ?", applicationName);
    }

    private static String bound(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
