package io.camelskytools.walmgr.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.camelskytools.walmgr.archive.Sha256;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.wal.Lsn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A base backup of a real, busy-enough PostgreSQL 15 with a tablespace: what it holds and what it leaves out. */
@Tag("needs-debian")
class BaseBackupTest {

    private Scratch scratch;
    private ArchivingPrimary primary;
    private WalArchive archive;

    @BeforeEach
    void start() {
        scratch = Scratch.create("walmgr-backup-");
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
    void backupHoldsTheDataDirectoryAndTablespaceAndItsManifestMatchesEveryFile() throws Exception {
        Path spaceDir = scratch.newDir("space1");
        primary.exec("create tablespace space1 location '" + spaceDir + "'");
        primary.exec("create table far(id int primary key, note text) tablespace space1");
        primary.exec("insert into far select g, 'far ' || g from generate_series(1, 1000) g");
        int oid = Integer.parseInt(primary.query("select oid from pg_tablespace where spcname = 'space1'"));

        List<long[]> progress = new CopyOnWriteArrayList<>();
        BackupStore store = BackupStore.in(archive);
        BackupInfo b = new BaseBackup(primary.connector(), store).label("first")
                .progress((name, copied, total) -> progress.add(new long[] {copied, total})).take("b1");

        BackupManifest m = b.manifest();
        assertThat(m.label()).isEqualTo("first");
        assertThat(m.serverVersion()).isGreaterThanOrEqualTo(150000);
        assertThat(m.walSegmentSize()).isEqualTo(16L << 20);
        assertThat(m.timeline()).isEqualTo(1);
        assertThat(Long.compareUnsigned(m.stopLsn(), m.startLsn())).isPositive();
        assertThat(m.stopTime()).isAfterOrEqualTo(m.startTime());
        assertThat(m.systemIdentifier()).isEqualTo(
                Long.parseLong(primary.query("select system_identifier from pg_control_system()")));
        assertThat(m.tablespaces()).containsEntry(oid, spaceDir.toRealPath().toString());

        // every file in the backup is in the manifest with its size and checksum, and nothing else is
        Map<String, String> onDisk = new TreeMap<>();
        try (Stream<Path> all = Files.walk(b.dir())) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                String rel = b.dir().relativize(p).toString();
                if (!rel.equals(BackupManifest.FILE_NAME)) {
                    try (InputStream in = Files.newInputStream(p)) {
                        onDisk.put(rel, Files.size(p) + " " + Sha256.of(in));
                    }
                }
            }
        }
        Map<String, String> listed = new TreeMap<>();
        m.entries().stream().filter(e -> !e.dir()).forEach(e -> listed.put(e.path(), e.size() + " " + e.sha256()));
        assertThat(onDisk).isEqualTo(listed);
        assertThat(m.entries().stream().filter(ManifestEntry::dir).map(ManifestEntry::path))
                .contains("data/pg_wal", "data/pg_wal/archive_status", "data/pg_replslot", "data/pg_stat_tmp",
                        "data/pg_subtrans", "data/pg_notify", "data/pg_tblspc", "tablespaces/" + oid);

        // what PostgreSQL says to leave out is left out; what it needs is there
        Path data = b.dir().resolve("data");
        assertThat(data.resolve("postmaster.pid")).doesNotExist();
        assertThat(data.resolve("postmaster.opts")).doesNotExist();
        try (Stream<Path> wal = Files.list(data.resolve("pg_wal"))) {
            assertThat(wal.map(p -> p.getFileName().toString())).containsExactly("archive_status");
        }
        try (Stream<Path> links = Files.list(data.resolve("pg_tblspc"))) {
            assertThat(links).isEmpty();
        }
        assertThat(Files.readString(data.resolve("backup_label"))).contains("LABEL: first")
                .contains("START WAL LOCATION: " + Lsn.format(m.startLsn()));
        assertThat(Files.readString(data.resolve("tablespace_map"))).contains(oid + " " + spaceDir);
        assertThat(data.resolve("global/pg_control")).exists();
        try (Stream<Path> files = Files.walk(b.dir().resolve("tablespaces/" + oid))) {
            assertThat(files.filter(Files::isRegularFile).count()).as("files of tablespace " + oid).isPositive();
        }

        // pg_backup_stop waited for the archive: every segment the backup needs is there
        for (long s = m.startSegment().segno(); s <= m.stopSegment().segno(); s++) {
            String seg = new io.camelskytools.walmgr.wal.WalSegment(1, s).fileName(m.walSegmentSize());
            assertThat(archive.find(seg)).as("WAL " + seg + " archived").isPresent();
        }

        // progress ends at the total, and the manifest reads back the same
        assertThat(progress).isNotEmpty();
        long[] last = progress.get(progress.size() - 1);
        assertThat(last[0]).isEqualTo(last[1]);
        assertThat(BackupManifest.read(b.dir().resolve(BackupManifest.FILE_NAME))).isEqualTo(m);
        assertThat(store.list()).extracting(BackupInfo::name).containsExactly("b1");
    }

    @Test
    void aBackupNameInUseIsRefusedAndTheExistingBackupIsKept() {
        BackupStore store = BackupStore.in(archive);
        new BaseBackup(primary.connector(), store).take("same");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BaseBackup(primary.connector(), store).take("same"))
                .isInstanceOf(BackupException.class).hasMessageContaining("'same' already exists");
        assertThat(store.list()).extracting(BackupInfo::name).containsExactly("same");
    }
}
