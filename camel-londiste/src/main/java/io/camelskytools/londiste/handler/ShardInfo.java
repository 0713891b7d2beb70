package io.camelskytools.londiste.handler;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * This node's shard as londiste3 reads it: {@code select shard_nr, shard_mask, shard_count from
 * partconf.conf}, checked the same way (count a power of two, mask = count - 1, nr in range).
 */
record ShardInfo(long nr, long mask) {

    static final String QUERY = "select shard_nr, shard_mask, shard_count from partconf.conf";

    static ShardInfo load(Connection target) throws SQLException {
        try (Statement st = target.createStatement(); ResultSet rs = st.executeQuery(QUERY)) {
            if (!rs.next()) {
                throw new SQLException("Error loading shard info: partconf.conf has no row");
            }
            long nr = rs.getLong(1);
            boolean nullNr = rs.wasNull();
            long mask = rs.getLong(2);
            boolean nullMask = rs.wasNull();
            long count = rs.getLong(3);
            if (nullNr || nullMask || rs.wasNull()) {
                throw new SQLException("Error loading shard info: partconf.conf has NULLs");
            }
            if ((count & mask) != 0 || mask + 1 != count) {
                throw new SQLException("Invalid shard info: shard_mask " + mask + ", shard_count " + count);
            }
            if (nr < 0 || nr >= count) {
                throw new SQLException("Invalid shard nr: " + nr + " (shard_count " + count + ")");
            }
            return new ShardInfo(nr, mask);
        }
    }

    boolean isLocal(long hash) {
        return (hash & mask) == nr;
    }
}
