package io.camelskytools.pgq.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What a database has in its {@code pgq} schema. */
public record PgqSchema(Kind kind, String pgqVersion, String ourVersion) {

    public enum Kind {
        /** no schema pgq */
        NONE,
        /** installed by camel-skytools (sql/pgq) */
        OURS,
        /** Skytools PgQ: the C extension, or its plain-SQL install */
        SKYTOOLS
    }

    public static PgqSchema inspect(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery(
                     "select exists (select 1 from pg_catalog.pg_namespace where nspname = 'pgq'),"
                     + " (select extversion from pg_catalog.pg_extension where extname = 'pgq'),"
                     + " exists (select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n"
                     + "   on n.oid = p.pronamespace where n.nspname = 'pgq' and p.proname = 'camel_skytools_version')")) {
            rs.next();
            boolean schema = rs.getBoolean(1);
            String extVersion = rs.getString(2);
            boolean ours = rs.getBoolean(3);
            if (!schema) {
                return new PgqSchema(Kind.NONE, null, null);
            }
            if (extVersion != null || !ours) {
                return new PgqSchema(Kind.SKYTOOLS, extVersion != null ? extVersion : scalar(conn, "select pgq.version()"), null);
            }
            return new PgqSchema(Kind.OURS, scalar(conn, "select pgq.version()"),
                    scalar(conn, "select pgq.camel_skytools_version()"));
        }
    }

    private static String scalar(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
