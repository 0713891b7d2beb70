package io.camelskytools.walmgr.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.support.StandbyServer;
import io.camelskytools.walmgr.support.WalServer;
import io.camelskytools.walmgr.verify.ArchiveVerifier;
import io.camelskytools.walmgr.verify.VerifyReport;
import io.camelskytools.walmgr.wal.Lsn;
import io.camelskytools.walmgr.wal.WalSegment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver streams from a standby that is then promoted: it archives the old timeline
 * to its end, the new timeline's history file, then the new timeline, and verify passes.
 */
@Tag("needs-debian")
class TimelineSwitchTest {

    @TempDir
    Path dir;

    @Test
    void followsThePromotionToTheNextTimeline() throws Exception {
        try (WalServer primary = WalServer.start()) {
            primary.writeSegments(1);
            try (StandbyServer standby = StandbyServer.of(primary)) {
                WalArchive archive = WalArchive.open(dir);
                StreamingArchiver archiver = new StreamingArchiver(WalSource.of(standby.jdbcUrl(), "postgres", null),
                        archive, ArchiverSettings.defaults().withSlot("walmgr_tl")
                        .withMaxReconnectDelay(Duration.ofMillis(500)), null);
                archiver.start();
                try {
                    await().atMost(Duration.ofSeconds(20)).until(() -> archiver.status().streaming());
                    primary.writeSegments(2);
                    primary.exec("insert into load(pad) select 'mid-segment' from generate_series(1, 100)");
                    long primaryEnd = primary.currentLsn();
                    await().atMost(Duration.ofSeconds(30)).until(() -> archiver.status().receivedLsn() >= primaryEnd);

                    standby.promote();
                    await().atMost(Duration.ofSeconds(30)).until(() -> archiver.status().timeline() == 2
                                                                       && archiver.status().streaming());
                    try (Connection c = standby.connect(); Statement st = c.createStatement()) {
                        st.execute("insert into load(pad) select repeat('n', 500) from generate_series(1, 8000)");
                        st.execute("select pg_switch_wal()");
                        st.execute("insert into load(pad) select repeat('n', 500) from generate_series(1, 8000)");
                        st.execute("select pg_switch_wal()");
                    }
                    long newEnd = lsnOf(standby);
                    await().atMost(Duration.ofSeconds(60)).until(() -> archiver.status().flushedLsn() >= newEnd);
                } finally {
                    archiver.stop();
                }
                assertThat(archiver.failure()).isNull();
                assertThat(dir.resolve("wal/00000002.history")).exists();
                assertThat(Files.readString(dir.resolve("wal/00000002.history"))).startsWith("1\t");
                assertThat(dir.resolve("wal/00000002.history.sha256")).exists();

                List<WalSegment> done = archive.completedSegments(WalServer.SEGMENT_SIZE);
                assertThat(done).extracting(WalSegment::timeline).contains(1, 2);
                for (WalSegment s : done) {
                    if (s.timeline() == 2) {
                        String name = s.fileName(WalServer.SEGMENT_SIZE);
                        assertThat(Files.readAllBytes(archive.find(name).orElseThrow())).as(name)
                                .isEqualTo(Files.readAllBytes(standby.walFile(name)));
                    }
                }
                VerifyReport report = new ArchiveVerifier(archive).verify();
                assertThat(report.ok()).as(report.summary()).isTrue();
                assertThat(report.last()).startsWith("00000002");
            }
        }
    }

    @Test
    void archiverDownDuringThePromotionCatchesUpOnTheOldTimelineFirst() throws Exception {
        try (WalServer primary = WalServer.start()) {
            primary.writeSegments(1);
            try (StandbyServer standby = StandbyServer.of(primary)) {
                WalArchive archive = WalArchive.open(dir);
                ArchiverSettings settings = ArchiverSettings.defaults().withSlot("walmgr_tl2");
                StreamingArchiver first = new StreamingArchiver(WalSource.of(standby.jdbcUrl(), "postgres", null),
                        archive, settings, null);
                first.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> first.status().streaming());
                long before = lsnOf(standby);
                await().atMost(Duration.ofSeconds(20)).until(() -> first.status().flushedLsn() >= before);
                first.stop();

                // while the archiver is away: more WAL on timeline 1, then the promotion
                primary.exec("insert into load(pad) select repeat('h', 500) from generate_series(1, 3000)");
                long oldEnd = primary.currentLsn();
                await().atMost(Duration.ofSeconds(20)).until(() -> receivedOnStandby(standby) >= oldEnd);
                standby.promote();
                try (Connection c = standby.connect(); Statement st = c.createStatement()) {
                    st.execute("insert into load(pad) select repeat('n', 500) from generate_series(1, 8000)");
                    st.execute("select pg_switch_wal()");
                }
                long newEnd = lsnOf(standby);

                StreamingArchiver second = new StreamingArchiver(WalSource.of(standby.jdbcUrl(), "postgres", null),
                        archive, settings, null);
                second.start();
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> second.status().timeline() == 2
                                                                       && second.status().flushedLsn() >= newEnd);
                } finally {
                    second.stop();
                }
                assertThat(second.failure()).isNull();
                String history = Files.readString(dir.resolve("wal/00000002.history"));
                long switchPoint = Lsn.parse(history.split("\t")[1].trim());
                assertThat(switchPoint).isGreaterThanOrEqualTo(oldEnd);
                // the old timeline's last segment holds everything up to the switch point
                WalSegment last1 = WalSegment.containing(1, switchPoint - 1, WalServer.SEGMENT_SIZE);
                Path oldPartial = archive.partialPath(last1.fileName(WalServer.SEGMENT_SIZE));
                assertThat(last1.startLsn(WalServer.SEGMENT_SIZE) + Files.size(oldPartial)).isEqualTo(switchPoint);
                VerifyReport report = new ArchiveVerifier(archive).verify();
                assertThat(report.ok()).as(report.summary()).isTrue();
                assertThat(report.last()).startsWith("00000002");
            }
        }
    }

    private static long lsnOf(StandbyServer s) throws Exception {
        try (Connection c = s.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select (case when pg_is_in_recovery() then pg_last_wal_receive_lsn()"
                                            + " else pg_current_wal_lsn() end)::text")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }

    private static long receivedOnStandby(StandbyServer s) throws Exception {
        return lsnOf(s);
    }
}
