package io.camelskytools.runtime.cli.walmgr;

import static io.camelskytools.runtime.cli.InProcessCli.walmgr;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.runtime.cli.InProcessCli.Result;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17, items 3 and 4: setup creates only what the chosen mode reads (no slot for
 * archive_command alone), warns about a slot nothing reads, reports only the restarts its
 * own changes need, and says "primary ready" when nothing waits.
 */
@Tag("needs-debian")
class WalmgrSetupTest {

    @RegisterExtension
    final WalmgrScratch scratch = new WalmgrScratch("walmgr-setup-");

    @Test
    void onlyWhatTheModeReadsAndOnlyTheRestartsItsOwnChangesNeed() throws Exception {
        // max_connections on the command line: pg_settings marks it pending_restart after any reload
        SystemPgServer primary = scratch.startPrimary("wal_level=replica", "max_connections=40");
        Path dir = scratch.dir();
        Path archive = dir.resolve("archive");
        String url = "jdbc:postgresql://127.0.0.1:" + primary.port() + "/postgres?user=postgres";
        Path cfg = dir.resolve("walmgr.properties");
        Files.writeString(cfg, String.join("\n",
                "skytools.walmgr.primary.url = " + url,
                "skytools.walmgr.archive = " + archive,
                "skytools.walmgr.slot = setup_test", ""));
        exec(url, "select pg_reload_conf()");

        Result streaming = ok(walmgr(cfg, "setup"));
        assertThat(query(url, "select pending_restart from pg_settings where name = 'max_connections'"))
                .as("the premise: PostgreSQL marks it").isEqualTo("t");
        assertThat(streaming.out()).contains("replication slot setup_test created").contains("primary ready")
                .doesNotContain("max_connections").doesNotContain("restart");
        assertThat(ok(walmgr(cfg, "status")).out())
                .contains("slot_warning: nothing reads replication slot setup_test: the primary keeps");

        // archive_command only: no slot, and the one streaming setup made is pointed out
        String xarchive = "cp %p " + archive.resolve("wal") + "/%f";
        Result archiving = ok(walmgr(cfg, "setup", "--archive-command", "--xarchive", xarchive));
        assertThat(archiving.out()).contains("no replication slot (archive_command only")
                .contains("warning: nothing reads replication slot setup_test")
                .contains("restart PostgreSQL to apply archive_mode, then run setup again (it checks)")
                .doesNotContain("it creates the slot").doesNotContain("max_connections");
        ok(walmgr(cfg, "cleanup", "--drop-slot"));

        primary.stop("fast");
        primary.restart();
        Result again = ok(walmgr(cfg, "setup", "--archive-command", "--xarchive", xarchive));
        assertThat(again.out()).contains("primary ready").doesNotContain("warning").doesNotContain("restart");
        assertThat(query(url, "select count(*) from pg_replication_slots")).as("slots on the primary").isEqualTo("0");

        // both, when asked
        assertThat(ok(walmgr(cfg, "setup", "--archive-command", "--stream", "--xarchive", xarchive)).out())
                .contains("replication slot setup_test created").contains("primary ready");
    }

    private static Result ok(Result r) {
        assertThat(r.exit()).as("%s%s", r.out(), r.err()).isZero();
        return r;
    }

    private static void exec(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String query(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
