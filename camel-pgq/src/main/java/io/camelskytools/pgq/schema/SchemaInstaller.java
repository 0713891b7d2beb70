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
    public static final String PGQ_COOP_SCRIPT = "camel-skytools/sql/pgq_coop/install.sql";
    public static final String PGQ_EXT_SCRIPT = "camel-skytools/sql/pgq_ext/install.sql";
    public static final String PGQ_NODE_SCRIPT = "camel-skytools/sql/pgq_node/install.sql";
    public static final String LONDISTE_SCRIPT = "camel-skytools/sql/londiste/install.sql";

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

    /** Installs or upgrades pgq_coop (needs pgq); leaves a pgq_coop that is not ours alone. */
    public static Outcome installPgqCoop(Connection conn) throws SQLException {
        return installSchema(conn, "pgq_coop", PGQ_COOP_SCRIPT);
    }

    /** Installs or upgrades pgq_ext (in a consumer's target database); leaves one that is not ours alone. */
    public static Outcome installPgqExt(Connection conn) throws SQLException {
        return installSchema(conn, "pgq_ext", PGQ_EXT_SCRIPT);
    }

    /**
     * Installs or upgrades pgq_node (cascaded queues; needs pgq, ours or Skytools'); leaves a
     * pgq_node that is not ours (Skytools' extension or plain SQL) alone.
     */
    public static Outcome installPgqNode(Connection conn) throws SQLException {
        return installSchema(conn, "pgq_node", PGQ_NODE_SCRIPT);
    }

    /**
     * Installs or upgrades londiste (replication support; needs pgq and pgq_node, ours or
     * Skytools'), keeping table states; leaves a londiste that is not ours alone.
     */
    public static Outcome installLondiste(Connection conn) throws SQLException {
        return installSchema(conn, "londiste", LONDISTE_SCRIPT);
    }

    private static Outcome installSchema(Connection conn, String schema, String script) throws SQLException {
        boolean exists;
        boolean ours;
        try (java.sql.PreparedStatement ps = conn.prepareStatement(
                "select exists (select 1 from pg_catalog.pg_namespace where nspname = ?),"
                + " to_regprocedure(? || '.camel_skytools_version()') is not null")) {
            ps.setString(1, schema);
            ps.setString(2, schema);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                exists = rs.getBoolean(1);
                ours = rs.getBoolean(2);
            }
        }
        if (exists && !ours) {
            LOG.info("{}: database {} has Skytools' {}; using it as it is", schema, conn.getCatalog(), schema);
            return Outcome.SKYTOOLS_PRESENT;
        }
        run(conn, SqlScript.load(script));
        LOG.info("{}: {} camel-skytools {} in database {}", schema, exists ? "upgraded" : "installed", schema,
                conn.getCatalog());
        return exists ? Outcome.UPGRADED : Outcome.INSTALLED;
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
