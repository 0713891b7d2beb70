package io.camelskytools.walmgr.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.SystemPgServer;
import io.camelskytools.walmgr.wal.Lsn;

/** A real PostgreSQL 15 set up to stream WAL, with the few things walmgr tests ask of it. */
public final class WalServer implements AutoCloseable {

    public static final long SEGMENT_SIZE = 16L * 1024 * 1024;

    private final SystemPgServer pg;

    private WalServer(SystemPgServer pg) {
        this.pg = pg;
    }

    /** Replication on, and a real fsync and synchronous commit, so a crash loses only what it should. */
    public static WalServer start() {
        return new WalServer(SystemPgServer.start(PgTestConfig.bin(), "wal_level=replica", "max_wal_senders=5",
                "max_replication_slots=5", "fsync=on", "synchronous_commit=on"));
    }

    public SystemPgServer pg() {
        return pg;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres";
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(pg.jdbcUrl("postgres"));
    }

    public void exec(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    public String queryString(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    public long currentLsn() throws SQLException {
        return Lsn.parse(queryString("select pg_current_wal_lsn()::text"));
    }

    /** The slot's restart_lsn, or -1 when the slot has none (or does not exist). */
    public long slotRestartLsn(String slot) throws SQLException {
        String v = queryString("select restart_lsn::text from pg_replication_slots where slot_name = '" + slot + "'");
        return v == null ? -1 : Lsn.parse(v);
    }

    /** About `rounds` segments of WAL: each round writes some MB, then switches to a new segment. */
    public void writeSegments(int rounds) throws SQLException {
        exec("create table if not exists load(id bigserial, pad text)");
        for (int i = 0; i < rounds; i++) {
            exec("insert into load(pad) select repeat('w', 500) from generate_series(1, 8000)");
            exec("select pg_switch_wal()");
        }
    }

    public Path walFile(String name) {
        return pg.dataDir().resolve("pg_wal").resolve(name);
    }

    /** kill -9 of the postmaster: the crash walmgr must survive. */
    public void killPostmaster() throws IOException, InterruptedException {
        List<String> lines = Files.readAllLines(pg.dataDir().resolve("postmaster.pid"));
        String pid = lines.get(0).trim();
        Process p = new ProcessBuilder("kill", "-9", pid).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("kill -9 " + pid + " failed");
        }
    }

    @Override
    public void close() {
        pg.close();
    }
}
