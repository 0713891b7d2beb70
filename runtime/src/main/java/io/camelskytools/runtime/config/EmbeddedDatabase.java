package io.camelskytools.runtime.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The database `skytools run` uses when none is configured: PostgreSQL from zonky's
 * binaries, data kept in a directory across runs (default ~/.skytools/embedded), on
 * 127.0.0.1 only. zonky's own JVM shutdown hook is off: on Ctrl-C it would stop the server
 * while Camel is still finishing the batch in hand; {@link #stopAtExitAfter} stops it after
 * the application is done instead.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private final EmbeddedPostgres pg;
    private final Path dataDir;
    private final AtomicBoolean closed = new AtomicBoolean();

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
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setRegisterShutdownHook(false);
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

    /**
     * At JVM exit (Ctrl-C, SIGTERM), stops the server once {@code applicationDone} is released,
     * or after {@code atMost} when the application never says so.
     */
    public void stopAtExitAfter(CountDownLatch applicationDone, Duration atMost) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                applicationDone.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                close();
            } catch (IOException e) {
                System.err.println("skytools: stopping the embedded PostgreSQL failed: " + e.getMessage());
            }
        }, "embedded-postgres-stop"));
    }

    /** Stops the server (once; later calls do nothing). */
    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            pg.close();
        }
    }
}
