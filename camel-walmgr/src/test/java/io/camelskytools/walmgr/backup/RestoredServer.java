package io.camelskytools.walmgr.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.camelskytools.pgq.harness.PgTestConfig;

/**
 * Starts a restored data directory with the same PostgreSQL binaries, as postgres, on a
 * port and socket directory of its own, next to the original. Stopped (immediately) on close.
 */
public final class RestoredServer implements AutoCloseable {

    private final Path dataDir;
    private final Path log;
    private final int port;
    private boolean running;

    private RestoredServer(Path dataDir, Path log, int port) {
        this.dataDir = dataDir;
        this.log = log;
        this.port = port;
    }

    /** pg_ctl start -w; sockDir must be writable by postgres. */
    public static RestoredServer start(Path dataDir, Path sockDir) {
        int port = freePort();
        Path log = sockDir.resolve(dataDir.getFileName() + ".log");
        RestoredServer s = new RestoredServer(dataDir, log, port);
        try {
            Os.asPostgres(PgTestConfig.bin() + "/pg_ctl", "-D", dataDir.toString(), "-l", log.toString(), "-w", "-t", "90",
                    "-o", "-p " + port + " -k " + sockDir + " -c listen_addresses=127.0.0.1", "start");
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\nserver log:\n" + s.log(), e);
        }
        s.running = true;
        return s;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public ServerConnector connector() {
        return ServerConnector.of(jdbcUrl(), "postgres", null);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl() + "?user=postgres");
    }

    public String query(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    public void exec(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "(no log at " + log + ")";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (running) {
            running = false;
            try {
                Os.asPostgres(PgTestConfig.bin() + "/pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "-w", "stop");
            } catch (IllegalStateException e) {
                // already down
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
