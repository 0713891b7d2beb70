package io.camelskytools.pgq.harness;

import java.nio.file.Path;

/**
 * How the test run is configured (system properties, set by the Maven profiles):
 * {@code pgtest.server} = embedded | system, {@code pgtest.schema} = ours | skytools,
 * {@code pgtest.bin} = the system binaries.
 */
public final class PgTestConfig {

    private PgTestConfig() {
    }

    public static boolean systemServer() {
        String v = System.getProperty("pgtest.server", "embedded");
        if (!v.equals("embedded") && !v.equals("system")) {
            throw new IllegalStateException("pgtest.server must be embedded or system, not " + v);
        }
        return v.equals("system");
    }

    /** True when the PgQ under test is Skytools' own (CREATE EXTENSION pgq), false for sql/pgq. */
    public static boolean skytoolsSchema() {
        String v = System.getProperty("pgtest.schema", "ours");
        if (!v.equals("ours") && !v.equals("skytools")) {
            throw new IllegalStateException("pgtest.schema must be ours or skytools, not " + v);
        }
        if (v.equals("skytools") && !systemServer()) {
            throw new IllegalStateException("pgtest.schema=skytools needs pgtest.server=system: the embedded server has no pgq extension");
        }
        return v.equals("skytools");
    }

    public static String bin() {
        return System.getProperty("pgtest.bin", "/usr/lib/postgresql/15/bin");
    }

    /** Scratch space that `mvn clean` removes. */
    public static Path workRoot() {
        return Path.of(System.getProperty("pgtest.work", "target/pgtest")).toAbsolutePath();
    }

    public static String describe() {
        return (systemServer() ? "system PostgreSQL " + bin() : "embedded PostgreSQL")
                + ", " + (skytoolsSchema() ? "Skytools PgQ (extension)" : "camel-skytools PgQ (sql/pgq)");
    }

    public static PgServer startServer() {
        return systemServer() ? SystemPgServer.start(bin()) : EmbeddedPgServer.start(workRoot());
    }
}
