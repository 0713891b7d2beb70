package io.camelskytools.walmgr.backup;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.walmgr.archive.WalArchive;

/**
 * A real PostgreSQL 15 primary, durable (fsync, full_page_writes, synchronous_commit on) and
 * ready to stream, whose archive_command copies finished segments into a
 * {@link WalArchive}'s wal/ directory with a plain cp (helper A's layout: wal/NAME; no
 * checksum sidecar, which the archive reads as "not recorded").
 */
public final class ArchivingPrimary implements AutoCloseable {

    private final SystemPgServer pg;
    private final WalArchive archive;

    private ArchivingPrimary(SystemPgServer pg, WalArchive archive) {
        this.pg = pg;
        this.archive = archive;
    }

    /** archive != null: archive_command into it; null: no archiving (streaming tests). */
    public static ArchivingPrimary start(Scratch scratch, WalArchive archive) {
        List<String> s = new ArrayList<>(List.of("wal_level=replica", "max_wal_senders=5", "max_replication_slots=5",
                "fsync=on", "full_page_writes=on", "synchronous_commit=on"));
        if (archive != null) {
            scratch.giveToPostgres(archive.root());
            s.add("archive_mode=on");
            s.add("archive_command='cp %p " + archive.walDir() + "/%f'");
        }
        return new ArchivingPrimary(SystemPgServer.start(PgTestConfig.bin(), s.toArray(String[]::new)), archive);
    }

    public SystemPgServer pg() {
        return pg;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres";
    }

    public ServerConnector connector() {
        return ServerConnector.of(jdbcUrl(), "postgres", null);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl() + "?user=postgres");
    }

    public void exec(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    public String query(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Ends the current segment and waits until archive_command has put it into the archive. */
    public String switchAndWaitArchived() throws SQLException {
        String name = query("select pg_walfile_name(pg_switch_wal())");
        await("segment " + name + " archived").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> archive.find(name).isPresent());
        return name;
    }

    @Override
    public void close() {
        pg.close();
    }

    public Path dataDir() {
        return pg.dataDir();
    }
}
