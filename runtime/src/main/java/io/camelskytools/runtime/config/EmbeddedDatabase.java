package io.camelskytools.runtime.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The database `skytools run` uses when none is configured: PostgreSQL from zonky's
 * binaries, data kept in a directory across runs (default ~/.skytools/embedded), on
 * 127.0.0.1 only.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private final EmbeddedPostgres pg;
    private final Path dataDir;

    private EmbeddedDatabase(EmbeddedPostgres pg, Path dataDir) {
        this.pg = pg;
        this.dataDir = dataDir;
    }

    public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir.getParent());
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir.toFile())
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(dataDir.getParent().resolve("binaries").toFile())
                .setServerConfig("listen_addresses", "127.0.0.1");
        if (port > 0) {
            b.setPort(port);
        }
        return new EmbeddedDatabase(b.start(), dataDir);
    }

    public DatabaseConfig config() {
        return new DatabaseConfig("main", "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "postgres", null);
    }

    public Path dataDir() {
        return dataDir;
    }

    public int port() {
        return pg.getPort();
    }

    @Override
    public void close() throws IOException {
        pg.close();
    }
}
