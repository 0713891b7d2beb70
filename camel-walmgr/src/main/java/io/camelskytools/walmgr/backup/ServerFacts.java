package io.camelskytools.walmgr.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a backup needs to know about the server before it starts.
 *
 * @param versionNum       server_version_num (150010)
 * @param walSegmentSize   wal_segment_size in bytes
 * @param dataDirectory    data_directory as the server reports it
 * @param systemIdentifier the cluster's system identifier
 * @param inRecovery       true on a standby
 */
record ServerFacts(int versionNum, long walSegmentSize, String dataDirectory, long systemIdentifier, boolean inRecovery) {

    static ServerFacts query(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select current_setting('server_version_num')::int,"
                     + " (select setting::bigint from pg_settings where name = 'wal_segment_size'),"
                     + " current_setting('data_directory'), (select system_identifier from pg_control_system()),"
                     + " pg_is_in_recovery()")) {
            rs.next();
            return new ServerFacts(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getBoolean(5));
        }
    }

    /**
     * Reads the system identifier from the data directory's control file (its first eight
     * bytes, in the machine's byte order), to make sure the files we copy are this server's.
     */
    static long systemIdentifierOnDisk(Path dataDir) throws IOException {
        try (InputStream in = Files.newInputStream(dataDir.resolve("global").resolve("pg_control"))) {
            byte[] b = in.readNBytes(8);
            if (b.length < 8) {
                throw new IOException("control file " + dataDir.resolve("global/pg_control") + " is too short");
            }
            return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getLong();
        }
    }
}
