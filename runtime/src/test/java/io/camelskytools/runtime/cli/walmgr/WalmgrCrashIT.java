package io.camelskytools.runtime.cli.walmgr;

import static io.camelskytools.runtime.cli.InProcessCli.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.runtime.cli.InProcessCli;
import io.camelskytools.runtime.cli.InProcessCli.Result;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.stream.ArchiverSettings;
import io.camelskytools.walmgr.stream.StreamingArchiver;
import io.camelskytools.walmgr.stream.WalSource;
import io.camelskytools.walmgr.wal.Lsn;
import io.camelskytools.walmgr.wal.WalSegment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The promise walmgr is for: the primary is killed with kill -9 in the middle of a write
 * load, and a restore from the archive holds every transaction committed more than a second
 * before the crash (streaming archive), or every one in a segment archive_command completed
 * (archive_command running the packaged jar's {@code walmgr xarchive}).
 */
@Tag("needs-debian")
class WalmgrCrashIT {

    private record Commit(long id, long lsn, long atMillis) {
    }

    @RegisterExtension
    final WalmgrScratch scratch = new WalmgrScratch("walmgr-crash-");
    private Path dir;

    @Test
    void killMinusNineLosesNothingOlderThanASecond() throws Exception {
        dir = scratch.dir();
        // archive_command runs as postgres: the jar, its config and archive B must be theirs to read and write
        Path jar = Files.copy(Path.of(System.getProperty("skytools.jar", "target/skytools.jar")), dir.resolve("skytools.jar"));
        Path archiveA = Files.createDirectories(dir.resolve("archive-streaming"));
        Path archiveB = Files.createDirectories(dir.resolve("archive-command"));
        SystemPgServer primary = scratch.startPrimary("wal_level=replica", "max_wal_senders=5",
                "max_replication_slots=5", "fsync=on", "synchronous_commit=on", "full_page_writes=on", "archive_mode=on");
        String url = "jdbc:postgresql://127.0.0.1:" + primary.port() + "/postgres?user=postgres";
        Path cfgA = config("a.properties", url, archiveA);
        Path cfgB = config("b.properties", url, archiveB);
        WalmgrScratch.sh("chown", "-R", "postgres:postgres", dir.toString());

        String xarchive = "'" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -jar '" + jar
                          + "' walmgr --config '" + cfgB + "' xarchive %p %f";
        assertThat(walmgr(cfgB, "setup", "--archive-command", "--xarchive", xarchive)).contains("primary ready");
        // archive_command's setup makes no slot; streaming's does, so that it keeps the WAL from backup a1 on
        assertThat(walmgr(cfgA, "setup")).contains("replication slot walmgr created");
        assertThat(walmgr(cfgA, "backup", "--name", "a1")).contains("backup a1");
        assertThat(walmgr(cfgB, "backup", "--name", "b1")).contains("backup b1");

        StreamingArchiver streaming = new StreamingArchiver(WalSource.of(url, null, null), WalArchive.open(archiveA),
                ArchiverSettings.defaults().withSlot("walmgr"), null);
        streaming.start();
        List<Commit> commits = new CopyOnWriteArrayList<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(url, commits, writing), "crash-load");
        long killedAt;
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> streaming.status().streaming());
            writer.start();
            // a few completed segments for archive_command, and over 1000 commits more than a second old
            // (on a fast disk 3000 commits take less than two seconds)
            await().atMost(Duration.ofSeconds(60)).until(() -> commits.size() >= 3000
                    && olderThan(commits, System.currentTimeMillis() - 1000) > 1000);
            killedAt = System.currentTimeMillis();
            String pid = Files.readAllLines(primary.dataDir().resolve("postmaster.pid")).get(0).strip();
            WalmgrScratch.sh("kill", "-9", pid);
            writing.set(false);
            writer.join(30_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> !streaming.status().streaming());
        } finally {
            streaming.stop();
        }
        List<Commit> safe = commits.stream().filter(c -> c.atMillis() < killedAt - 1000).toList();
        assertThat(safe).as("commits older than a second at the crash").hasSizeGreaterThan(1000);

        // streaming: everything committed more than a second before the kill
        Set<Long> fromA = restoreAndRead(cfgA, "a1", "restored-a");
        List<Long> missingA = safe.stream().map(Commit::id).filter(id -> !fromA.contains(id)).toList();
        assertThat(missingA).as("committed > 1 s before the crash, missing from the streaming archive's restore")
                .isEmpty();

        // archive_command: everything in a segment it archived
        long archivedEnd = endOfCompletedSegments(archiveB);
        List<Long> inCompleted = commits.stream().filter(c -> c.lsn() <= archivedEnd).map(Commit::id).toList();
        assertThat(inCompleted).as("commits in segments archive_command completed").isNotEmpty();
        Set<Long> fromB = restoreAndRead(cfgB, "b1", "restored-b");
        assertThat(inCompleted.stream().filter(id -> !fromB.contains(id)).toList())
                .as("in an archived segment (up to %s), missing from the archive_command restore", Lsn.format(archivedEnd))
                .isEmpty();
        Set<Long> committed = new HashSet<>(commits.stream().map(Commit::id).toList());
        assertThat(fromA.stream().filter(id -> !committed.contains(id)).toList())
                .as("rows in the restore the writer never saw committed (its last commit may be cut off)").hasSizeLessThan(2);
    }

    private static long olderThan(List<Commit> commits, long millis) {
        return commits.stream().filter(c -> c.atMillis() < millis).count();
    }

    /** One row per transaction, with its commit position and time, until the server dies. */
    private static void write(String url, List<Commit> commits, AtomicBoolean writing) {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("create table crash(id bigint primary key, pad text)");
            for (long id = 1; writing.get(); id++) {
                st.execute("insert into crash values (" + id + ", repeat('x', 2000))");
                // autocommit: the insert position after the commit bounds the commit record from above
                try (ResultSet rs = st.executeQuery("select pg_current_wal_insert_lsn()::text")) {
                    rs.next();
                    commits.add(new Commit(id, Lsn.parse(rs.getString(1)), System.currentTimeMillis()));
                }
                if (id % 1000 == 0) {
                    st.execute("select pg_switch_wal()");
                }
            }
        } catch (SQLException e) {
            // the kill: expected
        }
    }

    private Set<Long> restoreAndRead(Path cfg, String backup, String target) throws Exception {
        int port = freePort();
        Path data = dir.resolve(target);
        assertThat(walmgr(cfg, "restore", backup, data.toString(), "--set", "port=" + port)).contains("restored backup");
        scratch.startRestored(data, port);
        String restoredUrl = "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> {
            try (Connection c = DriverManager.getConnection(restoredUrl); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select not pg_is_in_recovery()")) {
                return rs.next() && rs.getBoolean(1);
            }
        });
        Set<Long> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(restoredUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select id from crash")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static long endOfCompletedSegments(Path archive) throws Exception {
        long segSize = 16L * 1024 * 1024;
        List<WalSegment> done = WalArchive.open(archive).completedSegments(segSize);
        assertThat(done).as("segments archive_command archived").isNotEmpty();
        return done.get(done.size() - 1).next().startLsn(segSize);
    }

    private Path config(String name, String url, Path archive) throws Exception {
        Path cfg = dir.resolve(name);
        Files.writeString(cfg, String.join("\n",
                "skytools.walmgr.primary.url = " + url,
                "skytools.walmgr.archive = " + archive, ""));
        return cfg;
    }

    /** A walmgr command that must succeed; its output. */
    private static String walmgr(Path cfg, String... args) {
        Result r = InProcessCli.walmgr(cfg, args);
        assertThat(r.exit()).as("walmgr %s: %s", String.join(" ", args), r.err()).isZero();
        return r.out();
    }
}
