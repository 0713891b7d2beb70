package io.camelskytools.walmgr.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.walmgr.support.WalServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What `walmgr setup`, `stop` and `synch-standby` change on a real server, through {@link ServerSettings}. */
@Tag("needs-debian")
class ServerSettingsTest {

    @Test
    void alterSystemQuotesTheValueAndAReloadAppliesIt() throws Exception {
        try (WalServer server = WalServer.start(); Connection c = server.connect()) {
            ServerSettings settings = new ServerSettings(c);
            // what synch-standby sets: a standby name in double quotes, with a single quote in it
            String names = "FIRST 1 (\"it's standby 1\", s2)";
            settings.alterSystem("synchronous_standby_names", names);
            settings.reload();
            // the session takes the reloaded file at its next command
            await().atMost(Duration.ofSeconds(10)).until(() -> names.equals(settings.current("synchronous_standby_names")));
            assertThat(settings.pendingRestart(Map.of("synchronous_standby_names", names))).as("sighup setting").isEmpty();

            settings.alterSystem("synchronous_standby_names", "");
            settings.reload();
            await().atMost(Duration.ofSeconds(10)).until(() -> settings.current("synchronous_standby_names").isEmpty());
        }
    }

    @Test
    void aPostmasterSettingWaitsForARestart() throws Exception {
        try (WalServer server = WalServer.start()) {
            try (Connection c = server.connect()) {
                ServerSettings settings = new ServerSettings(c);
                settings.alterSystem("max_wal_senders", "7");
                settings.reload();
                assertThat(settings.pendingRestart(Map.of("max_wal_senders", "7"))).containsExactly("max_wal_senders");
                assertThat(settings.current("max_wal_senders")).isEqualTo("5");
            }
            // the test server has max_wal_senders=5 on its command line: started again without it
            server.pg().stop("fast");
            server.pg().restart();
            try (Connection after = server.connect()) {
                ServerSettings restarted = new ServerSettings(after);
                assertThat(restarted.current("max_wal_senders")).isEqualTo("7");
                assertThat(restarted.pendingRestart(Map.of("max_wal_senders", "7"))).isEmpty();
            }
        }
    }

    @Test
    void onlyASuperuserMayChangeSettings() throws Exception {
        try (WalServer server = WalServer.start()) {
            server.exec("create role plain login");
            try (Connection c = server.connect()) {
                new ServerSettings(c).requireSuperuser();
            }
            try (Connection c = DriverManager.getConnection(server.jdbcUrl() + "?user=plain")) {
                assertThatThrownBy(() -> new ServerSettings(c).requireSuperuser())
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessage("role plain is not a superuser: it cannot change the server's settings");
            }
        }
    }

    @Test
    void aFreshServerNeedsReplicaWalSendersAndSlotsAndARestartBeforeTheSlot() throws Exception {
        try (SystemPgServer pg = SystemPgServer.start(PgTestConfig.bin(), "wal_level=minimal", "max_wal_senders=0",
                "max_replication_slots=0");
             Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"))) {
            ServerSettings settings = new ServerSettings(c);
            Map<String, String> streaming = PrimarySetup.changesNeeded(settings, null);
            assertThat(streaming).containsExactly(Map.entry("wal_level", "replica"), Map.entry("max_wal_senders", "10"),
                    Map.entry("max_replication_slots", "10"));
            assertThat(PrimarySetup.slotNeedsRestart(streaming)).isTrue();
            assertThat(PrimarySetup.changesNeeded(settings, "xarchive %p %f")).containsEntry("archive_mode", "on")
                    .containsEntry("archive_command", "xarchive %p %f");
        }
        try (WalServer ready = WalServer.start(); Connection c = ready.connect()) {
            Map<String, String> none = PrimarySetup.changesNeeded(new ServerSettings(c), null);
            assertThat(none).isEmpty();
            assertThat(PrimarySetup.slotNeedsRestart(none)).isFalse();
        }
    }
}
