package io.camelskytools.pgq.harness;

/** A PostgreSQL server started for tests; superuser {@code postgres}, no password, on 127.0.0.1. */
public interface PgServer extends AutoCloseable {

    String host();

    int port();

    default String user() {
        return "postgres";
    }

    default String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database + "?user=" + user();
    }

    /** Where the server binaries are ({@code pg_ctl}, {@code psql}, ...), when the harness knows. */
    String binDir();

    /** The data directory (for tests that kill, restart or inspect the server). */
    java.nio.file.Path dataDir();

    /** One line for logs: kind, version, port. */
    String describe();

    @Override
    void close();
}
