package io.camelskytools.walmgr.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.backup.ArchivingPrimary;
import io.camelskytools.walmgr.backup.BackupInfo;
import io.camelskytools.walmgr.backup.BackupStore;
import io.camelskytools.walmgr.backup.PgBaseBackup;
import io.camelskytools.walmgr.backup.RestoredServer;
import io.camelskytools.walmgr.backup.Scratch;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The same backup layout taken by pg_basebackup over the replication protocol, restored the same way. */
@Tag("needs-debian")
class PgBaseBackupRestoreTest {

    @Test
    void pgBasebackupBackupWithATablespaceRestoresWithEveryRow() throws Exception {
        try (Scratch scratch = Scratch.create("walmgr-pgbb-")) {
            WalArchive archive = WalArchive.open(scratch.newDir("archive"));
            try (ArchivingPrimary primary = ArchivingPrimary.start(scratch, archive)) {
                primary.exec("create tablespace space1 location '" + scratch.newDir("space1") + "'");
                primary.exec("create table far(id int) tablespace space1");
                primary.exec("insert into far select generate_series(1, 300)");
                BackupStore store = BackupStore.in(archive);
                BackupInfo b = new PgBaseBackup(primary.connector(),
                        "host=127.0.0.1 port=" + primary.pg().port() + " user=postgres",
                        Path.of(PgTestConfig.bin(), "pg_basebackup"), store).label("replication").take("pgbb");
                assertThat(b.manifest().tablespaces()).hasSize(1);
                assertThat(b.dir().resolve("data/backup_manifest")).doesNotExist();
                try (var links = Files.list(b.dir().resolve("data/pg_tblspc"))) {
                    assertThat(links).isEmpty();
                }
                assertThat(store.list()).extracting(BackupInfo::name).containsExactly("pgbb");

                primary.exec("insert into far select generate_series(301, 400)");
                primary.switchAndWaitArchived();

                RestoredDatabase db = new Restore(store).archive(archive).into(scratch.resolve("from_pgbb"));
                try (RestoredServer s = RestoredServer.start(db.dataDir(), scratch.dir())) {
                    await("recovery to end").atMost(Duration.ofSeconds(60)).ignoreExceptions()
                            .until(() -> "f".equals(s.query("select pg_is_in_recovery()")));
                    assertThat(s.query("select count(*) from far")).isEqualTo("400");
                }
            }
        }
    }
}
