package io.camelskytools.walmgr.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.backup.ArchivingPrimary;
import io.camelskytools.walmgr.backup.BackupStore;
import io.camelskytools.walmgr.backup.BaseBackup;
import io.camelskytools.walmgr.backup.RestoredServer;
import io.camelskytools.walmgr.backup.Scratch;
import io.camelskytools.walmgr.stream.ArchiverSettings;
import io.camelskytools.walmgr.stream.StreamingArchiver;
import io.camelskytools.walmgr.stream.WalSource;
import io.camelskytools.walmgr.wal.Lsn;
import io.camelskytools.walmgr.wal.WalSegment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * walmgr's "boot" with partial WAL: the archive is fed by the streaming archiver only, the
 * last rows live in the segment it is still filling (.partial), and the restore still has them.
 */
@Tag("needs-debian")
class PartialSegmentRestoreTest {

    @Test
    void restoreReplaysTheStreamedPartialSegmentUpToItsLastFlushedByte() throws Exception {
        try (Scratch scratch = Scratch.create("walmgr-partial-")) {
            WalArchive archive = WalArchive.open(scratch.newDir("archive"));
            try (ArchivingPrimary primary = ArchivingPrimary.start(scratch, null)) {
                StreamingArchiver archiver = new StreamingArchiver(WalSource.of(primary.jdbcUrl(), "postgres", null),
                        archive, ArchiverSettings.defaults().withSlot("walmgr_partial")
                                .withFlushInterval(Duration.ofMillis(200)), null);
                archiver.start();
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> archiver.status().streaming());
                    primary.exec("create table orders(id int primary key, note text)");
                    BackupStore store = BackupStore.in(archive);
                    new BaseBackup(primary.connector(), store).take("streamed");

                    primary.exec("insert into orders select g, 'committed after the backup' from generate_series(1, 500) g");
                    primary.exec("insert into orders values (501, 'the last one')");
                    long flushed = Lsn.parse(primary.query("select pg_current_wal_flush_lsn()::text"));
                    await("archive durable up to " + Lsn.format(flushed)).atMost(Duration.ofSeconds(30))
                            .until(() -> Long.compareUnsigned(archiver.status().flushedLsn(), flushed) >= 0);

                    String last = WalSegment.containing(1, flushed - 1, 16L << 20).fileName(16L << 20);
                    assertThat(archive.find(last)).as("no completed " + last).isEmpty();
                    assertThat(archive.partialPath(last)).exists();

                    RestoredDatabase db = new Restore(store).archive(archive).into(scratch.resolve("booted"));
                    try (RestoredServer s = RestoredServer.start(db.dataDir(), scratch.dir())) {
                        await("recovery to end").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                                .until(() -> "f".equals(s.query("select pg_is_in_recovery()")));
                        assertThat(s.query("select count(*) from orders")).isEqualTo("501");
                        assertThat(s.query("select note from orders where id = 501")).isEqualTo("the last one");
                    }
                    // and it is the partial that carries them: without it recovery ends at the last completed segment
                    RestoredDatabase without = new Restore(store).archive(archive).servePartial(false)
                            .into(scratch.resolve("no_partial"));
                    try (RestoredServer s = RestoredServer.start(without.dataDir(), scratch.dir())) {
                        await("recovery to end").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                                .until(() -> "f".equals(s.query("select pg_is_in_recovery()")));
                        assertThat(s.query("select count(*) from orders")).isEqualTo("0");
                    }
                } finally {
                    archiver.stop();
                }
            }
        }
    }
}
