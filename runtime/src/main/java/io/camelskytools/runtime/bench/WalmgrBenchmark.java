package io.camelskytools.runtime.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.server.ReplicationSlot;
import io.camelskytools.walmgr.server.ReplicationSlots;
import io.camelskytools.walmgr.server.WalSenders;
import io.camelskytools.walmgr.stream.ArchiverSettings;
import io.camelskytools.walmgr.stream.StreamingArchiver;
import io.camelskytools.walmgr.stream.WalSource;
import io.camelskytools.walmgr.wal.Lsn;

/**
 * The streaming WAL archiver against pg_receivewal, the physical reference, on one server
 * in one run:
 * <ol>
 * <li>throughput: a backlog of WAL is written while both slots hold it, then each archiver
 *     in turn catches up to the end (the last segment completed and durable); MB/s, the
 *     median of an even number of rounds (six by default), after one untimed catch-up that
 *     warms our JVM up;</li>
 * <li>recovery-point lag: both stream side by side under a steady write load, and every
 *     100 ms the age of the oldest WAL the primary has flushed but the archiver has not
 *     made durable is sampled (our archiver with its flush interval; pg_receivewal with
 *     --synchronous, which fsyncs every write).</li>
 * </ol>
 * Slots bench_walmgr_ours and bench_walmgr_recv and table bench_wal_load are dropped at the end.
 */
final class WalmgrBenchmark {

    private static final String OURS_SLOT = "bench_walmgr_ours";
    private static final String RECV_SLOT = "bench_walmgr_recv";
    private static final String WARMUP_SLOT = "bench_walmgr_warmup";
    private static final long SETTLE_PAUSE_MS = 3_000;

    private final BenchServer server;
    private final String receivewal;
    private final String conninfo;
    private final Path work;
    private final PrintWriter out;
    private final long walBytes;
    private final int loadSeconds;
    private final Duration flushInterval;
    private final int rounds;
    private final int archiveSegments;
    private final int syncCommits;

    /**
     * @param conninfo libpq connection string of the same server, for pg_receivewal
     */
    WalmgrBenchmark(BenchServer server, String receivewal, String conninfo, Path work, PrintWriter out, int walMb,
                    int loadSeconds, Duration flushInterval, int rounds, int archiveSegments, int syncCommits) {
        if (rounds < 2 || rounds % 2 != 0) {
            // even: each archiver goes first as often as the other
            throw new IllegalArgumentException("rounds must be an even number of at least 2, not " + rounds);
        }
        this.rounds = rounds;
        this.archiveSegments = archiveSegments;
        this.syncCommits = syncCommits;
        this.server = server;
        this.receivewal = receivewal;
        this.conninfo = conninfo;
        this.work = work;
        this.out = out;
        this.walBytes = walMb * 1024L * 1024L;
        this.loadSeconds = loadSeconds;
        this.flushInterval = flushInterval;
    }

    /** Runs both measures, prints the figures and ratios; returns the ratios by name. */
    Map<String, Double> run() throws Exception {
        try {
            double[] mbps = throughput();
            double[][] lag = recoveryPointLag();
            Map<String, Double> r = new LinkedHashMap<>();
            r.put("throughput ours/pg_receivewal", mbps[0] / mbps[1]);
            out.println();
            out.println("== ratios");
            out.printf("archive throughput (medians): ours %.1f MB/s, pg_receivewal %.1f MB/s: %.2fx%n", mbps[0], mbps[1],
                    mbps[0] / mbps[1]);
            out.printf("recovery-point lag p50/p99/max: ours %.2f/%.2f/%.2f s (flush every %d ms),"
                       + " pg_receivewal --synchronous %.2f/%.2f/%.2f s%n", lag[0][0], lag[0][1], lag[0][2],
                    flushInterval.toMillis(), lag[1][0], lag[1][1], lag[1][2]);
            r.put("lag max ours s", lag[0][2]);
            r.put("lag max pg_receivewal s", lag[1][2]);
            if (archiveSegments > 0) {
                double[] burst = new ArchiveCommandBurst(server, work, out, archiveSegments, rounds).run();
                if (burst != null) {
                    out.printf("archive_command burst (medians): walmgr_archive.sh %.1f segments/s, cp + sync %.1f"
                               + " segments/s: %.2fx%n", burst[0], burst[1], burst[0] / burst[1]);
                    r.put("archive_command ours/cp+sync", burst[0] / burst[1]);
                }
            }
            if (syncCommits > 0) {
                double[][] sync = new SynchronousCommitLatency(server, receivewal, conninfo, work, out, syncCommits).run();
                if (sync != null) {
                    out.printf("synchronous standby, commit p50/p99: none %.2f/%.2f ms, ours %.2f/%.2f ms,"
                               + " pg_receivewal --synchronous %.2f/%.2f ms: p50 %.2fx%n", sync[0][0], sync[0][1],
                            sync[1][0], sync[1][1], sync[2][0], sync[2][1], sync[1][0] / sync[2][0]);
                    r.put("sync commit p50 ours/pg_receivewal", sync[1][0] / sync[2][0]);
                }
            }
            return r;
        } finally {
            cleanUp();
        }
    }

    /**
     * Median MB/s of ours and of pg_receivewal over the rounds (disks are noisy),
     * the order alternating. Before the first round our archiver catches up once untimed:
     * it runs as a long-lived service, so what counts is a JVM that has compiled its hot
     * code; that cold figure is printed too.
     */
    private double[] throughput() throws Exception {
        out.printf("== throughput: a backlog of %d MB of WAL, then each archiver catches up; %d rounds%n",
                walBytes >> 20, rounds);
        List<Double> ours = new ArrayList<>();
        List<Double> recv = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            try (Connection c = server.connect(); Statement st = c.createStatement()) {
                ReplicationSlots slots = new ReplicationSlots(c);
                for (String slot : round == 1 ? List.of(OURS_SLOT, RECV_SLOT, WARMUP_SLOT) : List.of(OURS_SLOT, RECV_SLOT)) {
                    if (slots.find(slot).isPresent()) {
                        slots.drop(slot);
                    }
                    slots.createPhysical(slot);
                }
                st.execute("drop table if exists bench_wal_load");
                // no autovacuum: it would wake up on the new rows during whichever catch-up comes first
                st.execute("create table bench_wal_load(id bigserial, pad text) with (autovacuum_enabled = false)");
                long start = lsn(st);
                long written = 0;
                while (written < walBytes) {
                    st.execute("insert into bench_wal_load(pad) select repeat(md5(i::text), 30)"
                               + " from generate_series(1, 20000) i");
                    written = lsn(st) - start;
                    BenchConsole.progress(out, "round " + round + ": writing WAL (MB)", Math.min(written, walBytes) >> 20,
                            walBytes >> 20);
                }
                st.execute("select pg_switch_wal()");
                long end = lsn(st);
                String lastSegment = segmentBefore(c, end);
                if (round == 1) {
                    settle(st);
                    out.print("warm-up (cold JVM, not counted): ");
                    timeOurs(lastSegment, end - start, "warmup", WARMUP_SLOT);
                    // its walsender may take a moment to exit; then the slot stops holding WAL
                    waitFor("warm-up slot released", () -> slots.find(WARMUP_SLOT).map(ReplicationSlot::active)
                            .orElse(false) ? 0 : 1, () -> true);
                    slots.drop(WARMUP_SLOT);
                }
                if (round % 2 == 1) {
                    settle(st);
                    ours.add(timeOurs(lastSegment, end - start, "ours-" + round, OURS_SLOT));
                    settle(st);
                    recv.add(timeReceivewal(lastSegment, end - start, round));
                } else {
                    settle(st);
                    recv.add(timeReceivewal(lastSegment, end - start, round));
                    settle(st);
                    ours.add(timeOurs(lastSegment, end - start, "ours-" + round, OURS_SLOT));
                }
            }
        }
        return new double[] {percentiles(ours)[0], percentiles(recv)[0]};
    }

    /**
     * Lets the disk settle before a timed catch-up: a checkpoint and a sync, so neither
     * archiver pays for the other's (or the backlog's) dirty pages being written back.
     */
    private static void settle(Statement st) throws Exception {
        st.execute("checkpoint");
        new ProcessBuilder("sync").start().waitFor();
        // a pause the benchmark's rhythm needs, not a wait for a condition: sync returns before the
        // virtual disk has finished with the write-back, and without it whichever archiver went
        // first in a round lost 30-40 % (measured on a 2-vCPU cloud VM)
        TimeUnit.MILLISECONDS.sleep(SETTLE_PAUSE_MS);
    }

    /** Time from start until the last segment is complete and durable; stopping is not counted (for either). */
    private double timeOurs(String lastSegment, long bytes, String dirName, String slot) throws Exception {
        Path dir = Files.createDirectories(work.resolve(dirName));
        WalArchive archive = WalArchive.open(dir);
        StreamingArchiver a = new StreamingArchiver(source(), archive,
                ArchiverSettings.defaults().withSlot(slot).withCreateSlot(false).withFlushInterval(flushInterval),
                (f, lsn) -> { });
        long t0 = System.nanoTime();
        long t1;
        a.start();
        try {
            waitFor("ours", () -> archive.find(lastSegment).isPresent() ? 1 : 0, a::isRunning);
            t1 = System.nanoTime();
        } finally {
            a.stop();
        }
        double mbps = report("ours", bytes, t1 - t0);
        WorkDirectory.delete(dir);
        return mbps;
    }

    private double timeReceivewal(String lastSegment, long bytes, int round) throws Exception {
        Path dir = Files.createDirectories(work.resolve("recv-" + round));
        long t0 = System.nanoTime();
        long t1;
        Process p = receivewal(dir, RECV_SLOT, false);
        try {
            waitFor("pg_receivewal", () -> Files.exists(dir.resolve(lastSegment)) ? 1 : 0, p::isAlive);
            t1 = System.nanoTime();
        } finally {
            stop(p);
        }
        double mbps = report("pg_receivewal", bytes, t1 - t0);
        WorkDirectory.delete(dir);
        return mbps;
    }

    private double report(String who, long bytes, long nanos) {
        double mbps = bytes / 1048576.0 / (nanos / 1e9);
        out.printf("%s: %d MB in %.2f s: %.1f MB/s%n", who, bytes >> 20, nanos / 1e9, mbps);
        return mbps;
    }

    /** p50, p99, max of the recovery-point lag, for ours and for pg_receivewal --synchronous. */
    private double[][] recoveryPointLag() throws Exception {
        out.printf("== recovery-point lag: both archivers side by side, %d s of steady writes%n", loadSeconds);
        Path oursDir = Files.createDirectories(work.resolve("ours-lag"));
        Path recvDir = Files.createDirectories(work.resolve("recv-lag"));
        try (Connection c = server.connect()) {
            // start both at the server's current position: no backlog in this measure
            ReplicationSlots slots = new ReplicationSlots(c);
            for (String slot : List.of(OURS_SLOT, RECV_SLOT)) {
                slots.drop(slot);
                slots.createPhysical(slot);
            }
        }
        StreamingArchiver ours = new StreamingArchiver(source(), WalArchive.open(oursDir),
                ArchiverSettings.defaults().withSlot(OURS_SLOT).withCreateSlot(false).withFlushInterval(flushInterval),
                (f, lsn) -> { });
        ours.start();
        Process recv = receivewal(recvDir, RECV_SLOT, true);
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread load = new Thread(() -> steadyLoad(writing), "bench-wal-load");
        // primary flush LSN by time, to turn an archived LSN into an age
        ConcurrentSkipListMap<Long, Long> primaryAt = new ConcurrentSkipListMap<>();
        List<Double> oursLag = new ArrayList<>();
        List<Double> recvLag = new ArrayList<>();
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            waitFor("both archivers streaming", () -> WalSenders.streaming(c).size(), () -> true, 2);
            load.start();
            long endAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(loadSeconds);
            long nextProgress = 0;
            while (System.nanoTime() < endAt) {
                long now = System.nanoTime();
                primaryAt.put(now, lsn(st, "pg_current_wal_flush_lsn()"));
                oursLag.add(age(primaryAt, ours.status().flushedLsn(), now));
                recvLag.add(age(primaryAt, receivewalFlushed(c), now));
                if (now >= nextProgress) {
                    BenchConsole.progress(out, "steady load (s)", loadSeconds - TimeUnit.NANOSECONDS.toSeconds(endAt - now),
                            loadSeconds);
                    nextProgress = now + TimeUnit.SECONDS.toNanos(1);
                }
                // the sampling rhythm of the measure, not a wait for a condition
                TimeUnit.MILLISECONDS.sleep(100);
            }
            BenchConsole.progress(out, "steady load (s)", loadSeconds, loadSeconds);
        } finally {
            writing.set(false);
            load.join(10_000);
            ours.stop();
            stop(recv);
        }
        // the first second is the archivers settling in
        int skip = Math.min(10, oursLag.size() / 4);
        double[] o = percentiles(oursLag.subList(skip, oursLag.size()));
        double[] r = percentiles(recvLag.subList(skip, recvLag.size()));
        out.printf("ours: lag p50 %.2f s, p99 %.2f s, max %.2f s%n", o[0], o[1], o[2]);
        out.printf("pg_receivewal --synchronous: lag p50 %.2f s, p99 %.2f s, max %.2f s%n", r[0], r[1], r[2]);
        return new double[][] {o, r};
    }

    private void steadyLoad(AtomicBoolean writing) {
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            while (writing.get()) {
                // small committed transactions, as an OLTP primary writes them
                st.execute("insert into bench_wal_load(pad) select repeat('x', 200) from generate_series(1, 20)");
            }
        } catch (SQLException e) {
            out.println("bench: write load stopped: " + e.getMessage());
        }
    }

    /** Seconds since the primary first flushed WAL beyond {@code durable}; 0 when nothing is missing. */
    private static double age(ConcurrentSkipListMap<Long, Long> primaryAt, long durable, long now) {
        for (Map.Entry<Long, Long> e : primaryAt.entrySet()) {
            if (e.getValue() > durable) {
                return (now - e.getKey()) / 1e9;
            }
        }
        return 0;
    }

    private static double[] percentiles(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        if (v.isEmpty()) {
            return new double[] {0, 0, 0};
        }
        return new double[] {v.get(v.size() / 2), v.get(Math.min(v.size() - 1, (int) (v.size() * 0.99))),
                             v.get(v.size() - 1)};
    }

    /** How far pg_receivewal has flushed, as it reports to the server. */
    private static long receivewalFlushed(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select coalesce(max(s.flush_lsn), '0/0')::text"
                + " from pg_stat_replication s join pg_replication_slots r on r.active_pid = s.pid"
                + " where r.slot_name = ?")) {
            ps.setString(1, RECV_SLOT);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Lsn.parse(rs.getString(1));
            }
        }
    }

    private Process receivewal(Path dir, String slot, boolean synchronous) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(receivewal, "-D", dir.toString(), "-S", slot, "-d", conninfo,
                "--no-loop", "-n"));
        if (synchronous) {
            cmd.add("--synchronous");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve("pg_receivewal-" + slot + ".log").toFile());
        if (server.password() != null) {
            pb.environment().put("PGPASSWORD", server.password());
        }
        return pb.start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private interface Probe {
        long value() throws Exception;
    }

    private interface Alive {
        boolean alive() throws Exception;
    }

    private void waitFor(String what, Probe done, Alive alive) throws Exception {
        waitFor(what, done, alive, 1);
    }

    /** Polls every 5 ms (a timed catch-up takes about a second) until the probe reaches {@code target}, failing when the worker died or after 10 min. */
    private void waitFor(String what, Probe done, Alive alive, long target) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (done.value() < target) {
            if (!alive.alive()) {
                throw new IllegalStateException("bench: " + what + " stopped before the end (see " + work + ")");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("bench: " + what + " did not finish within 10 minutes");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private static String segmentBefore(Connection c, long lsn) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select pg_walfile_name(?::pg_lsn)")) {
            ps.setString(1, Lsn.format(lsn - 1));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static long lsn(Statement st) throws SQLException {
        return lsn(st, "pg_current_wal_lsn()");
    }

    private static long lsn(Statement st, String expr) throws SQLException {
        try (ResultSet rs = st.executeQuery("select " + expr + "::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    private WalSource source() {
        return WalSource.of(server.url(), server.user(), server.password());
    }

    private void cleanUp() {
        server.cleanUp(out, c -> {
            ReplicationSlots slots = new ReplicationSlots(c);
            for (String slot : List.of(OURS_SLOT, RECV_SLOT, WARMUP_SLOT)) {
                slots.dropIfIdle(slot);
            }
            try (Statement st = c.createStatement()) {
                st.execute("drop table if exists bench_wal_load");
            }
        });
    }
}
