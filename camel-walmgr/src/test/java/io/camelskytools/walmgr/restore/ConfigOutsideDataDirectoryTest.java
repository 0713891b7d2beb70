package io.camelskytools.walmgr.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.backup.ArchivingPrimary;
import io.camelskytools.walmgr.backup.BackupInfo;
import io.camelskytools.walmgr.backup.BackupStore;
import io.camelskytools.walmgr.backup.BaseBackup;
import io.camelskytools.walmgr.backup.ManifestEntry;
import io.camelskytools.walmgr.backup.Os;
import io.camelskytools.walmgr.backup.RestoredServer;
import io.camelskytools.walmgr.backup.Scratch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A primary laid out the Debian way (postgresql.conf, pg_hba.conf and pg_ident.conf in a
 * directory of their own that names the data directory): the backup keeps the three files
 * and the restored data directory starts with them, on its own directory.
 */
@Tag("needs-debian")
class ConfigOutsideDataDirectoryTest {

    private static final List<String> CONFIG_FILES = List.of("postgresql.conf", "pg_hba.conf", "pg_ident.conf");

    private Scratch scratch;
    private ArchivingPrimary primary;
    private RestoredServer restored;

    @AfterEach
    void stop() {
        if (restored != null) {
            restored.close();
        }
        if (primary != null) {
            primary.close();
        }
        if (scratch != null) {
            scratch.close();
        }
    }

    @Test
    void configFilesFromEtcAreBackedUpAndPutIntoTheRestoredDataDirectory() throws Exception {
        scratch = Scratch.create("walmgr-etc-");
        WalArchive archive = WalArchive.open(scratch.newDir("archive"));
        primary = ArchivingPrimary.start(scratch, archive);
        primary.exec("create table t(id int primary key)");
        primary.exec("insert into t select generate_series(1, 100)");
        Path etc = moveConfigOutOfDataDirectory(primary.pg(), archive);
        assertThat(primary.query("show config_file")).isEqualTo(etc.resolve("postgresql.conf").toString());

        BackupStore store = BackupStore.in(archive);
        BackupInfo b = new BaseBackup(primary.connector(), store).take("etc");
        assertThat(b.manifest().entries()).extracting(ManifestEntry::path)
                .contains("config/postgresql.conf", "config/pg_hba.conf", "config/pg_ident.conf")
                .doesNotContain("data/postgresql.conf", "data/pg_hba.conf");
        primary.exec("insert into t select generate_series(101, 200)");
        primary.switchAndWaitArchived();

        RestoredDatabase db = new Restore(store).archive(archive).setting("work_mem", "9MB")
                .into(scratch.resolve("restored"));
        assertThat(db.configFiles()).containsExactly("postgresql.conf (left out: data_directory, hba_file, ident_file,"
                        + " external_pid_file, include_dir, cluster_name)",
                "pg_hba.conf", "pg_ident.conf");
        String conf = Files.readString(db.dataDir().resolve("postgresql.conf"));
        assertThat(conf).contains("# walmgr restore left out: data_directory = '")
                .contains("# walmgr restore: set in postgresql.auto.conf: work_mem = '7MB'")
                .contains("# walmgr restore: set in postgresql.auto.conf: archive_mode = on")
                .contains("\nmax_wal_senders = 5\n");
        assertThat(conf.lines().filter(l -> l.matches(
                "\\s*(data_directory|hba_file|ident_file|external_pid_file|include_dir|cluster_name|work_mem)\\b.*")))
                .isEmpty();
        for (String f : List.of("pg_hba.conf", "pg_ident.conf")) {
            assertThat(Files.mismatch(db.dataDir().resolve(f), etc.resolve(f))).as(f).isEqualTo(-1L);
        }

        restored = RestoredServer.start(db.dataDir(), scratch.dir());
        await("recovery of " + db.dataDir()).atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> "f".equals(restored.query("select pg_is_in_recovery()")));
        assertThat(restored.query("select count(*) from t")).isEqualTo("200");
        assertThat(restored.query("show max_wal_senders")).as("from the copied postgresql.conf").isEqualTo("5");
        assertThat(restored.query("show work_mem")).as("--set wins").isEqualTo("9MB");
        assertThat(restored.query("show cluster_name")).isEmpty();
        assertThat(restored.query("show hba_file")).isEqualTo(db.dataDir().resolve("pg_hba.conf").toString());
        assertThat(restored.query("show data_directory")).isEqualTo(db.dataDir().toString());
    }

    /** Stops the primary, moves its config files to etc/ and starts it from there, as Debian's pg_ctlcluster does. */
    private static Path moveConfigOutOfDataDirectory(SystemPgServer pg, WalArchive archive) throws Exception {
        pg.stop("fast");
        Path etc = pg.baseDir().resolve("etc");
        Os.asPostgres("mkdir", "-p", etc.resolve("conf.d").toString());
        for (String f : CONFIG_FILES) {
            Os.asPostgres("mv", pg.dataDir().resolve(f).toString(), etc.resolve(f).toString());
        }
        // what the harness gave on the command line goes into the file, with the paths Debian sets
        Files.writeString(etc.resolve("postgresql.conf"), String.join("\n", "",
                "data_directory = '" + pg.dataDir() + "'",
                "hba_file = '" + etc.resolve("pg_hba.conf") + "'",
                "ident_file = '" + etc.resolve("pg_ident.conf") + "'",
                "external_pid_file = '" + etc.resolve("postgresql.pid") + "'",
                "include_dir = 'conf.d'",
                "cluster_name = '15/main'",
                "port = " + pg.port(),
                "unix_socket_directories = '" + pg.baseDir() + "'",
                "listen_addresses = '127.0.0.1'",
                "wal_level = replica",
                "max_wal_senders = 5",
                "archive_mode = on",
                "archive_command = 'cp %p " + archive.walDir() + "/%f'",
                "work_mem = '7MB'", ""), StandardOpenOption.APPEND);
        Os.asPostgres(PgTestConfig.bin() + "/pg_ctl", "-D", etc.toString(), "-l", pg.baseDir().resolve("log").toString(),
                "-w", "-t", "60", "start");
        return etc;
    }
}
