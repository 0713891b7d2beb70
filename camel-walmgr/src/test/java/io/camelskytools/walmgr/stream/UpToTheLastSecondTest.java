package io.camelskytools.walmgr.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.support.WalServer;
import io.camelskytools.walmgr.wal.Lsn;
import io.camelskytools.walmgr.wal.WalSegment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise of walmgr's partial WAL copying: when the primary dies, the archive holds
 * every transaction committed more than flushInterval (1 s) before, durably.
 */
@Tag("needs-debian")
class UpToTheLastSecondTest {

    private record Commit(long lsn, long nanos) {
    }

    @TempDir
    Path dir;

    @Test
    void archiveHoldsEveryCommitOlderThanOneSecondWhenThePrimaryIsKilled() throws Exception {
        try (WalServer server = WalServer.start()) {
            WalArchive archive = WalArchive.open(dir);
            StreamingArchiver archiver = new StreamingArchiver(WalSource.of(server.jdbcUrl(), "postgres", null), archive,
                    ArchiverSettings.defaults().withSlot("walmgr_b").withFlushInterval(Duration.ofSeconds(1)), null);
            archiver.start();
            List<Commit> commits = new CopyOnWriteArrayList<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> writeUntilKilled(server, commits, writing), "workload");
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> archiver.status().streaming());
                server.exec("create table orders(id bigserial primary key, note text)");
                writer.start();
                // a steady workload long enough for several flush rounds
                await().atMost(Duration.ofSeconds(30)).until(() -> commits.size() > 50
                        && TimeUnit.NANOSECONDS.toMillis(commits.get(commits.size() - 1).nanos() - commits.get(0).nanos()) > 3000);

                ArchiverStatus atKill = archiver.status();
                long killNanos = System.nanoTime();
                server.killPostmaster();
                writing.set(false);
                writer.join(TimeUnit.SECONDS.toMillis(30));

                long durableAtKill = atKill.flushedLsn();
                List<Commit> old = commits.stream().filter(c -> c.nanos() < killNanos - TimeUnit.SECONDS.toNanos(1)).toList();
                assertThat(old).as("commits older than 1 s at the kill").isNotEmpty();
                for (Commit c : old) {
                    assertThat(durableAtKill).as("durable archive position at the kill vs commit at %s, %d ms before it",
                            Lsn.format(c.lsn()), TimeUnit.NANOSECONDS.toMillis(killNanos - c.nanos()))
                            .isGreaterThanOrEqualTo(c.lsn());
                }

                // and the files say the same: completed segments plus the partial reach that far
                await().atMost(Duration.ofSeconds(20)).until(() -> !archiver.status().streaming());
                long held = archiveEnd(archive);
                assertThat(held).as("archive end " + Lsn.format(held)).isGreaterThanOrEqualTo(durableAtKill);
                assertPartialMatchesServer(server, archive);
            } finally {
                writing.set(false);
                archiver.stop();
            }
        }
    }

    private static void writeUntilKilled(WalServer server, List<Commit> commits, AtomicBoolean writing) {
        try (Connection c = server.connect();
             PreparedStatement ins = c.prepareStatement("insert into orders(note) select repeat('o', 300)"
                                                        + " from generate_series(1, 20)");
             Statement st = c.createStatement()) {
            while (writing.get()) {
                ins.executeUpdate();
                long at = System.nanoTime();
                try (ResultSet rs = st.executeQuery("select pg_current_wal_lsn()::text")) {
                    rs.next();
                    commits.add(new Commit(Lsn.parse(rs.getString(1)), at));
                }
            }
        } catch (Exception e) {
            // the server was killed under us: that is the point
        }
    }

    /** The WAL position just past the last byte the archive holds on disk. */
    static long archiveEnd(WalArchive archive) throws Exception {
        long end = 0;
        for (WalSegment s : archive.completedSegments(WalServer.SEGMENT_SIZE)) {
            end = Math.max(end, s.next().startLsn(WalServer.SEGMENT_SIZE));
        }
        for (WalSegment s : archive.partialSegments(WalServer.SEGMENT_SIZE)) {
            end = Math.max(end, s.startLsn(WalServer.SEGMENT_SIZE)
                                + Files.size(archive.partialPath(s.fileName(WalServer.SEGMENT_SIZE))));
        }
        return end;
    }

    /** The partial file is a prefix of the (dead) server's segment file. */
    static void assertPartialMatchesServer(WalServer server, WalArchive archive) throws Exception {
        List<WalSegment> partials = archive.partialSegments(WalServer.SEGMENT_SIZE);
        assertThat(partials).isNotEmpty();
        String name = partials.get(partials.size() - 1).fileName(WalServer.SEGMENT_SIZE);
        byte[] ours = Files.readAllBytes(archive.partialPath(name));
        byte[] theirs;
        try (InputStream in = Files.newInputStream(server.walFile(name))) {
            theirs = in.readNBytes(ours.length);
        }
        assertThat(ours).as("partial %s is a prefix of the server's file", name).isEqualTo(theirs);
    }
}
