package io.camelskytools.pgq.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs our PgQ schema (the very file {@code psql -f sql/pgq/install.sql} runs), or
 * upgrades an earlier install of ours in place. A database that already runs Skytools
 * PgQ is left alone: it is used as it is.
 */
public final class SchemaInstaller {

    public static final String PGQ_SCRIPT = "camel-skytools/sql/pgq/install.sql";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaInstaller.class);

    public enum Outcome {
        INSTALLED, UPGRADED, SKYTOOLS_PRESENT
    }

    private SchemaInstaller() {
    }

    /** Installs or upgrades pgq on {@code conn}; returns what was done. */
    public static Outcome installPgq(Connection conn) throws SQLException {
        PgqSchema before = PgqSchema.inspect(conn);
        if (before.kind() == PgqSchema.Kind.SKYTOOLS) {
            LOG.info("pgq: database {} runs Skytools PgQ {}; using it as it is", conn.getCatalog(), before.pgqVersion());
            return Outcome.SKYTOOLS_PRESENT;
        }
        run(conn, SqlScript.load(PGQ_SCRIPT));
        PgqSchema after = PgqSchema.inspect(conn);
        if (before.kind() == PgqSchema.Kind.NONE) {
            LOG.info("pgq: installed camel-skytools pgq {} in database {}", after.ourVersion(), conn.getCatalog());
            return Outcome.INSTALLED;
        }
        LOG.info("pgq: upgraded camel-skytools pgq {} -> {} in database {}", before.ourVersion(), after.ourVersion(),
                conn.getCatalog());
        return Outcome.UPGRADED;
    }

    /**
     * Runs a script the way psql does: chunk after chunk on one session, the script's
     * own BEGIN/COMMIT making it atomic. On error the open transaction is rolled back.
     */
    public static void run(Connection conn, SqlScript script) throws SQLException {
        boolean autoCommit = conn.getAutoCommit();
        conn.setAutoCommit(true);
        try (Statement st = conn.createStatement()) {
            for (String chunk : script.chunks()) {
                st.execute(chunk);
            }
        } catch (SQLException e) {
            try (Statement st = conn.createStatement()) {
                st.execute("rollback");
            } catch (SQLException ignored) {
                // the connection is gone; the server rolled back for us
            }
            throw new SQLException("Installing " + script.resource() + " failed: " + e.getMessage(), e.getSQLState(), e);
        } finally {
            conn.setAutoCommit(autoCommit);
        }
    }
}
