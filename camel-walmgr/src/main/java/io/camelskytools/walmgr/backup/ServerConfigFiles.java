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
    private static final Map<String, String> NAME_BY_SETTING = new LinkedHashMap<>();

    static {
        NAME_BY_SETTING.put("config_file", "postgresql.conf");
        NAME_BY_SETTING.put("hba_file", "pg_hba.conf");
        NAME_BY_SETTING.put("ident_file", "pg_ident.conf");
    }

    private ServerConfigFiles() {
    }

    /**
     * The files in use that are outside {@code dataDirectory} (both as the server sees them),
     * by their data-directory name. A role that may not read these settings gets none.
     */
    static Map<String, Path> outside(Connection c, String dataDirectory) throws SQLException {
        Path data = Path.of(dataDirectory).normalize();
        Map<String, Path> found = new LinkedHashMap<>();
        Map<String, String> inUse = new LinkedHashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select name, setting from pg_catalog.pg_settings"
                     + " where name in ('config_file', 'hba_file', 'ident_file')")) {
            while (rs.next()) {
                inUse.put(rs.getString(1), rs.getString(2));
            }
        }
        NAME_BY_SETTING.forEach((setting, name) -> {
            String file = inUse.get(setting);
            if (file != null && !file.isEmpty()) {
                Path p = Path.of(file).normalize();
                if (!p.startsWith(data)) {
                    found.put(name, p);
                }
            }
        });
        return found;
    }
}
