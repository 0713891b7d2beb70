package io.camelskytools.walmgr.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.wal.WalSegment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** listbackups, xrotate and xpurgewals over three real backups and their archived WAL. */
@Tag("needs-debian")
class RetentionTest {

    private Scratch scratch;
    private ArchivingPrimary primary;
    private WalArchive archive;

    @BeforeEach
    void start() {
        scratch = Scratch.create("walmgr-retention-");
        archive = WalArchive.open(scratch.newDir("archive"));
        primary = ArchivingPrimary.start(scratch, archive);
    }

    @AfterEach
    void stop() {
        if (primary != null) {
            primary.close();
        }
        scratch.close();
    }

    @Test
    void keepTwoRemovesTheOldestBackupAndTheWalOnlyItNeeded() throws Exception {
        BackupStore store = BackupStore.in(archive);
        primary.exec("create table t(id serial, pad text)");
        BackupInfo b1 = backup(store, "b1");
        String walOfB1Only = writeAndSwitch();
        BackupInfo b2 = backup(store, "b2");
        writeAndSwitch();
        BackupInfo b3 = backup(store, "b3");

        // a backup without its manifest (being taken, or failed) is not listed, nor rotated away
        Path unfinished = Files.createDirectories(store.dir().resolve("b0_unfinished").resolve("data"));
        assertThat(store.list()).extracting(BackupInfo::name).containsExactly("b1", "b2", "b3");
        assertThat(store.incomplete()).containsExactly(unfinished.getParent());
        assertThat(b1.describe()).contains("b1", b1.startSegment());

        List<BackupInfo> removed = store.rotate(2);
        assertThat(removed).extracting(BackupInfo::name).containsExactly("b1");
        assertThat(b1.dir()).doesNotExist();
        assertThat(store.list()).extracting(BackupInfo::name).containsExactly("b2", "b3");
        assertThat(unfinished).exists();

        long keepFrom = b2.manifest().startSegment().segno();
        assertThat(WalSegment.parse(walOfB1Only, 16L << 20).segno()).isLessThan(keepFrom);
        List<String> purged = new WalPurge(archive, store).purge();
        assertThat(purged).contains(walOfB1Only, b1.startSegment());
        for (String n : archive.fileNames()) {
            if (WalSegment.isSegmentName(n)) {
                assertThat(WalSegment.parse(n, 16L << 20).segno()).as(n).isGreaterThanOrEqualTo(keepFrom);
            }
        }
        assertThat(archive.find(b2.startSegment())).isPresent();
        assertThat(archive.find(b3.startSegment())).isPresent();
        // .backup history files of the removed backup go too; the kept ones stay
        assertThat(archive.fileNames()).noneMatch(n -> n.startsWith(b1.startSegment()))
                .anyMatch(n -> n.startsWith(b2.startSegment()) && n.endsWith(".backup"));

        assertThat(new WalPurge(archive, store).purge()).as("a second purge finds nothing").isEmpty();
    }

    private BackupInfo backup(BackupStore store, String name) {
        return new BaseBackup(primary.connector(), store).label(name).take(name);
    }

    /** Some rows, then the segment is closed and archived; returns its name. */
    private String writeAndSwitch() throws Exception {
        primary.exec("insert into t(pad) select repeat('x', 200) from generate_series(1, 2000)");
        return primary.switchAndWaitArchived();
    }
}
