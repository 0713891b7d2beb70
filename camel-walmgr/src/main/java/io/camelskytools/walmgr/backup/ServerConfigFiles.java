package io.camelskytools.walmgr.backup;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's postgresql.conf, pg_hba.conf and pg_ident.conf when they live outside its
 * data directory (Debian keeps them in /etc/postgresql/VERSION/CLUSTER). A backup keeps such
 * files under {@code config/}, by the name they have inside a data directory, so that a
 * restored data directory can start without them being copied by hand.
 */
public final class ServerConfigFiles {

    /** The backup's directory for them. */
    public static final String DIR = "config";

    /** The file names a data directory uses, by the setting that names the file in use. */
    private static final Map<String, String> NAME_BY_SETTING = Map.of("config_file", "postgresql.conf",
            "hba_file", "pg_hba.conf", "ident_file", "pg_ident.conf");

    private ServerConfigFiles() {
    }

    /**
     * The files in use that are outside {@code dataDirectory} (both as the server sees them),
     * by their data-directory name. A role that may not read these settings gets none.
     */
    static Map<String, Path> outside(Connection c, String dataDirectory) throws SQLException {
        Path data = Path.of(dataDirectory).normalize();
        Map<String, Path> found = new LinkedHashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select name, setting from pg_catalog.pg_settings"
                     + " where name in ('config_file', 'hba_file', 'ident_file') order by name")) {
            while (rs.next()) {
                String file = rs.getString(2);
                Path p = file == null || file.isEmpty() ? null : Path.of(file).normalize();
                if (p != null && !p.startsWith(data)) {
                    found.put(NAME_BY_SETTING.get(rs.getString(1)), p);
                }
            }
        }
        return found;
    }
}
