package io.camelskytools.walmgr.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.SystemPgServer;

/** A streaming standby of a {@link WalServer} (pg_basebackup -R), which a test can promote. */
public final class StandbyServer implements AutoCloseable {

    private final Path dir;
    private final int port;

    private StandbyServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static StandbyServer of(WalServer primary) throws IOException {
        String bin = PgTestConfig.bin();
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgstandby-");
        if ("root".equals(System.getProperty("user.name"))) {
            exec("chown", "postgres:postgres", dir.toString());
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path data = dir.resolve("data");
        SystemPgServer.asPostgres(bin + "/pg_basebackup", "-h", "127.0.0.1", "-p", Integer.toString(primary.pg().port()),
                "-U", "postgres", "-D", data.toString(), "-R", "-X", "stream", "-c", "fast");
        SystemPgServer.asPostgres(bin + "/pg_ctl", "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w", "-t",
                "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "start");
        return new StandbyServer(dir, port);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl() + "?user=postgres");
    }

    public Path walFile(String name) {
        return dir.resolve("data").resolve("pg_wal").resolve(name);
    }

    /** pg_ctl promote: the standby becomes a primary on the next timeline. */
    public void promote() throws IOException {
        SystemPgServer.asPostgres(PgTestConfig.bin() + "/pg_ctl", "-D", dir.resolve("data").toString(), "-w", "promote");
    }

    @Override
    public void close() {
        try {
            SystemPgServer.asPostgres(PgTestConfig.bin() + "/pg_ctl", "-D", dir.resolve("data").toString(), "-m",
                    "immediate", "-w", "stop");
        } catch (IOException e) {
            // already down
        }
        try {
            exec("rm", "-rf", dir.toString());
        } catch (IOException e) {
            // left in /tmp
        }
    }

    private static void exec(String... cmd) throws IOException {
        try {
            Process p = new ProcessBuilder(cmd).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
