package io.camelskytools.walmgr.server;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Who streams WAL from a server now (pg_stat_replication). */
public final class WalSenders {

    private WalSenders() {
    }

    /** The application_name of every client in state streaming (standbys, archivers, pg_receivewal). */
    public static List<String> streaming(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select application_name from pg_stat_replication where state = 'streaming'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
