package io.camelskytools.walmgr.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.backup.ArchivingPrimary;
import io.camelskytools.walmgr.backup.BackupStore;
import io.camelskytools.walmgr.backup.BaseBackup;
import io.camelskytools.walmgr.backup.RestoredServer;
import io.camelskytools.walmgr.backup.Scratch;
import io.camelskytools.walmgr.standby.StandbyControl;
import io.camelskytools.walmgr.standby.StandbyException;
import io.camelskytools.walmgr.standby.StandbyStatus;
import io.camelskytools.walmgr.wal.Lsn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A standby booted from a backup that streams from its primary (and reads the archive), paused, resumed, promoted. */
@Tag("needs-debian")
class StandbyTest {

    private Scratch scratch;
    private ArchivingPrimary primary;
    private WalArchive archive;
    private RestoredServer standby;

    @BeforeEach
    void start() {
        scratch = Scratch.create("walmgr-standby-");
        archive = WalArchive.open(scratch.newDir("archive"));
        primary = ArchivingPrimary.start(scratch, archive);
    }

    @AfterEach
    void stop() {
        if (standby != null) {
            standby.close();
        }
        if (primary != null) {
            primary.close();
        }
        scratch.close();
    }

    @Test
    void standbyFollowsPausesResumesAndIsPromoted() throws Exception {
        // the slot keeps the primary's WAL from before the backup until the standby has it
        primary.exec("select pg_create_physical_replication_slot('standby1', true)");
        primary.exec("create table events(id int primary key, note text)");
        BackupStore store = BackupStore.in(archive);
        new BaseBackup(primary.connector(), store).take("for_standby");

        RestoredDatabase db = new Restore(store).standby(true).archive(archive)
                .primaryConninfo("host=127.0.0.1 port=" + primary.pg().port() + " user=postgres application_name=standby1")
                .primarySlot("standby1").into(scratch.resolve("standby1"));
        assertThat(db.dataDir().resolve("standby.signal")).exists();
        assertThat(db.dataDir().resolve("recovery.signal")).doesNotExist();
        assertThat(Files.readString(db.dataDir().resolve("postgresql.auto.conf")))
                .contains("primary_slot_name = 'standby1'").contains("restore_command = '");
        standby = RestoredServer.start(db.dataDir(), scratch.dir());
        StandbyControl control = new StandbyControl(standby.connector());

        primary.exec("insert into events values (1, 'streamed')");
        awaitRow(1);
        await("standby1 streaming").atMost(Duration.ofSeconds(30)).until(() ->
                "streaming".equals(primary.query("select state from pg_stat_replication where application_name = 'standby1'")));
        StandbyStatus st = control.status();
        assertThat(st.inRecovery()).isTrue();
        assertThat(st.paused()).isFalse();
        assertThat(st.receiveLsn()).isPositive();
        assertThat(st.walReceiver()).isEqualTo("streaming");

        // paused: WAL still arrives, but is not applied
        control.pause();
        await().atMost(Duration.ofSeconds(30)).until(() -> control.status().paused());
        primary.exec("insert into events values (2, 'written while paused')");
        long written = Lsn.parse(primary.query("select pg_current_wal_flush_lsn()::text"));
        await("WAL up to " + Lsn.format(written) + " received").atMost(Duration.ofSeconds(30))
                .until(() -> Long.compareUnsigned(control.status().receiveLsn(), written) >= 0);
        assertThat(standby.query("select count(*) from events where id = 2")).isEqualTo("0");
        assertThat(Long.compareUnsigned(control.status().replayLsn(), written)).isNegative();

        control.resume();
        awaitRow(2);
        assertThat(control.status().paused()).isFalse();

        control.promote(Duration.ofSeconds(60));
        StandbyStatus promoted = control.status();
        assertThat(promoted.inRecovery()).isFalse();
        assertThat(promoted.walReceiver()).isNull();
        standby.exec("insert into events values (3, 'written on the promoted standby')");
        assertThat(standby.query("select count(*) from events")).isEqualTo("3");
        assertThatThrownBy(control::pause).isInstanceOf(StandbyException.class).hasMessageContaining("not in recovery");
    }

    private void awaitRow(int id) {
        await("row " + id + " on the standby").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> "1".equals(standby.query("select count(*) from events where id = " + id)));
    }
}
