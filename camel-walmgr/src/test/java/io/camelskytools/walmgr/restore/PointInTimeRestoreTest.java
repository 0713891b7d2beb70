package io.camelskytools.walmgr.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.backup.ArchivingPrimary;
import io.camelskytools.walmgr.backup.BackupInfo;
import io.camelskytools.walmgr.backup.BackupStore;
import io.camelskytools.walmgr.backup.BaseBackup;
import io.camelskytools.walmgr.backup.RestoredServer;
import io.camelskytools.walmgr.backup.Scratch;
import io.camelskytools.walmgr.wal.Lsn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One primary with a tablespace, one backup, then rows written in three phases with a
 * time, a named restore point and an LSN recorded between phase 1 and 2, and a second
 * backup after phase 2; every test restores a backup somewhere new and starts it next to
 * the primary. Targets between the phases must pick the first backup by themselves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("needs-debian")
class PointInTimeRestoreTest {

    private static final int PHASE = 100;

    private Scratch scratch;
    private ArchivingPrimary primary;
    private WalArchive archive;
    private BackupStore store;
    private BackupInfo backup;
    private BackupInfo later;
    private Instant afterPhase1;
    private long lsnAfterPhase1;
    private long totalRows;
    private final List<RestoredServer> started = new ArrayList<>();

    @BeforeAll
    void primaryBackupAndThreePhases() throws Exception {
        scratch = Scratch.create("walmgr-pitr-");
        archive = WalArchive.open(scratch.newDir("archive"));
        primary = ArchivingPrimary.start(scratch, archive);
        primary.exec("create tablespace space1 location '" + scratch.newDir("space1") + "'");
        primary.exec("create table far(id int, note text) tablespace space1");
        primary.exec("insert into far select g, 'before the backup' from generate_series(1, 50) g");
        primary.exec("create table rows(id int primary key, phase int)");
        store = BackupStore.in(archive);
        primary.exec("select pg_create_restore_point('before_the_backups')");
        backup = new BaseBackup(primary.connector(), store).label("pitr").take("pitr");

        phase(1);
        // the SQL sleeps only keep commit times apart from the recorded marks
        primary.exec("select pg_sleep(0.2)");
        afterPhase1 = epochMicros(primary.query("select (extract(epoch from clock_timestamp()) * 1000000)::bigint"));
        primary.exec("select pg_create_restore_point('after_phase_1')");
        lsnAfterPhase1 = Lsn.parse(primary.query("select pg_current_wal_insert_lsn()::text"));
        primary.exec("select pg_sleep(0.2)");
        phase(2);
        // newer than every target: restoring to one of them must not pick it
        later = new BaseBackup(primary.connector(), store).label("later").take("later");
        phase(3);
        primary.exec("insert into far select g, 'after the backup' from generate_series(51, 80) g");
        totalRows = Long.parseLong(primary.query("select count(*) from rows"));
        primary.switchAndWaitArchived();
    }

    @AfterEach
    void stopRestored() {
        started.forEach(RestoredServer::close);
        started.clear();
    }

    @AfterAll
    void stopPrimary() {
        if (primary != null) {
            primary.close();
        }
        scratch.close();
    }

    @Test
    void restoreOfTheLatestHasEveryCommittedRowAndTheTablespaceInItsNewPlace() throws Exception {
        RestoredDatabase db = new Restore(store).archive(archive).into(scratch.resolve("latest"));
        assertThat(db.backup().name()).isEqualTo("later");
        assertThat(db.dataDir().resolve("recovery.signal")).exists();
        assertThat(db.dataDir().resolve("postmaster.pid")).doesNotExist();
        Path newSpace = db.tablespaces().values().iterator().next();
        assertThat(newSpace).isEqualTo(scratch.resolve("latest_tblspc_" + db.tablespaces().keySet().iterator().next()));

        RestoredServer s = start(db);
        awaitPromoted(s);
        assertThat(s.query("select count(*) from rows")).isEqualTo(Long.toString(totalRows));
        assertThat(s.query("select count(*) from far")).isEqualTo("80");
        assertThat(s.query("select pg_tablespace_location(oid) from pg_tablespace where spcname = 'space1'"))
                .isEqualTo(newSpace.toString());
        assertThat(s.query("show archive_mode")).isEqualTo("off");
    }

    @Test
    void restoreToATimeHasExactlyThePhaseOneRows() throws Exception {
        RestoredDatabase db = new Restore(store).archive(archive).target(RecoveryTarget.time(afterPhase1))
                .into(scratch.resolve("to_time"));
        assertThat(db.backup().name()).isEqualTo("pitr");
        assertThat(Files.readString(db.dataDir().resolve("postgresql.auto.conf")))
                .contains("recovery_target_time = '").contains("recovery_target_action = 'promote'");
        assertPhaseOneOnly(start(db));
    }

    @Test
    void restoreToANamedRestorePointHasExactlyThePhaseOneRows() throws Exception {
        // found in the archived WAL: before the end of "later", after the end of "pitr"
        RestoredDatabase db = new Restore(store).archive(archive).target(RecoveryTarget.name("after_phase_1"))
                .into(scratch.resolve("to_name"));
        assertThat(db.backup().name()).isEqualTo("pitr");
        assertPhaseOneOnly(start(db));
    }

    @Test
    void restorePointsAreFoundInTheArchivedWal() throws Exception {
        RestorePointSearch search = RestorePointSearch.in(archive, backup.manifest().walSegmentSize());
        RestorePointSearch.RestorePoint p = search.find("after_phase_1", 0, Long.MAX_VALUE).orElseThrow();
        assertThat(p.name()).isEqualTo("after_phase_1");
        assertThat(p.lsn()).isGreaterThan(backup.stopLsn()).isLessThan(lsnAfterPhase1);
        assertThat(p.time()).isAfterOrEqualTo(afterPhase1).isBefore(afterPhase1.plusSeconds(30));
        assertThat(search.find("before_the_backups", 0, Long.MAX_VALUE).orElseThrow().lsn()).isLessThan(backup.startLsn());
        assertThat(search.find("after_phase_1", 0, backup.stopLsn())).isEmpty();
        assertThat(search.find("never_made", 0, Long.MAX_VALUE)).isEmpty();
    }

    @Test
    void restoreToAnLsnHasExactlyThePhaseOneRows() throws Exception {
        RestoredDatabase db = new Restore(store).archive(archive).target(RecoveryTarget.lsn(lsnAfterPhase1))
                .into(scratch.resolve("to_lsn"));
        assertThat(db.backup().name()).isEqualTo("pitr");
        assertPhaseOneOnly(start(db));
    }

    @Test
    void mistakesAreRefusedWithMessagesThatNameThem() throws Exception {
        Path used = scratch.newDir("used");
        Files.writeString(used.resolve("something"), "x");
        assertThatThrownBy(() -> new Restore(store).archive(archive).into(used))
                .isInstanceOf(RestoreException.class).hasMessageContaining(used.toString()).hasMessageContaining("not empty");

        assertThatThrownBy(() -> new Restore(store).archive(archive).into(scratch.resolve("no/such/parent/data")))
                .isInstanceOf(RestoreException.class).hasMessageContaining("parent").hasMessageContaining("does not exist");

        assertThatThrownBy(() -> new Restore(store).archive(archive).backup("nightly_42").into(scratch.resolve("x1")))
                .isInstanceOf(RestoreException.class).hasMessageContaining("nightly_42").hasMessageContaining("pitr");

        Instant tooEarly = backup.stopTime().minusSeconds(1);
        assertThatThrownBy(() -> new Restore(store).archive(archive).backup("pitr").target(RecoveryTarget.time(tooEarly))
                .into(scratch.resolve("x2")))
                .isInstanceOf(RestoreException.class).hasMessageContaining(tooEarly.toString())
                .hasMessageContaining("before backup pitr ended");
        assertThatThrownBy(() -> new Restore(store).archive(archive).target(RecoveryTarget.time(tooEarly))
                .into(scratch.resolve("x3")))
                .isInstanceOf(RestoreException.class).hasMessageContaining("No backup").hasMessageContaining("ends before");
        assertThat(scratch.resolve("x1")).doesNotExist();
        assertThatThrownBy(() -> new Restore(store).archive(archive).target(RecoveryTarget.name("before_the_backups"))
                .into(scratch.resolve("x5")))
                .isInstanceOf(RestoreException.class).hasMessageContaining("before_the_backups")
                .hasMessageContaining("before backup pitr ended");
        assertThat(scratch.resolve("x5")).doesNotExist();

        // a copy of the backup with one byte changed: the file is named, the half restore removed
        Path copy = Files.createDirectories(scratch.resolve("store2")).resolve("pitr");
        io.camelskytools.walmgr.backup.Os.run("cp", "-a", backup.dir().toString(), copy.getParent().toString() + "/");
        Path victim = copy.resolve("data/global/pg_control");
        byte[] bytes = Files.readAllBytes(victim);
        bytes[100] ^= 1;
        Files.write(victim, bytes);
        Path target = scratch.newDir("x4");
        assertThatThrownBy(() -> new Restore(BackupStore.open(copy.getParent())).archive(archive).into(target))
                .isInstanceOf(RestoreException.class).hasMessageContaining(victim.toString()).hasMessageContaining("damaged");
        try (var left = Files.list(target)) {
            assertThat(left).isEmpty();
        }
        assertThat(scratch.resolve("x2")).doesNotExist();
        assertThat(scratch.resolve("x3")).doesNotExist();
    }

    private void phase(int p) throws Exception {
        int from = (p - 1) * PHASE + 1;
        // one transaction per row group: several commits per phase
        for (int i = 0; i < PHASE; i += 25) {
            primary.exec("insert into rows select g, " + p + " from generate_series(" + (from + i) + ", " + (from + i + 24)
                         + ") g");
        }
    }

    private void assertPhaseOneOnly(RestoredServer s) throws Exception {
        awaitPromoted(s);
        assertThat(s.query("select count(*) || ' rows, phases ' || string_agg(distinct phase::text, ',') from rows"))
                .isEqualTo(PHASE + " rows, phases 1");
    }

    private RestoredServer start(RestoredDatabase db) {
        RestoredServer s = RestoredServer.start(db.dataDir(), scratch.dir());
        started.add(s);
        return s;
    }

    private static void awaitPromoted(RestoredServer s) {
        await("recovery of " + s.jdbcUrl() + " to end").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> "f".equals(s.query("select pg_is_in_recovery()")));
    }

    private static Instant epochMicros(String micros) {
        long m = Long.parseLong(micros);
        return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000);
    }
}
