package io.camelskytools.walmgr.backup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * After pg_backup_stop: with archive_mode on, a backup is usable only once archive_command
 * has archived its last WAL segment. PostgreSQL's own wait (pg_backup_stop(true)) has no
 * deadline and says nothing for a minute; this one says what it waits for, why it is slow
 * (pg_stat_archiver's last failure), and gives up after a timeout. Done means what
 * PostgreSQL checks: no {@code .ready} left for the segment in pg_wal/archive_status.
 */
final class ArchiveWait {

    private static final Duration REPORT_EVERY = Duration.ofSeconds(10);

    private final Connection connection;
    private final Path pgdata;
    private final Duration timeout;
    private final Consumer<String> report;

    ArchiveWait(Connection connection, Path pgdata, Duration timeout, Consumer<String> report) {
        this.connection = connection;
        this.pgdata = pgdata;
        this.timeout = timeout;
        this.report = report;
    }

    /** Waits for segment (a WAL file name) to be archived when archive_mode is on; throws on timeout. */
    void forSegment(String backupName, String segment) throws SQLException, InterruptedException {
        String mode = query("select current_setting('archive_mode')");
        if ("off".equals(mode)) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextReport = System.nanoTime();
        boolean first = true;
        while (!archived(segment)) {
            if (System.nanoTime() - deadline > 0) {
                throw new BackupException("Backup " + backupName + ": archive_command did not archive " + segment
                                          + ", the backup's last WAL segment, within " + timeout.toSeconds() + " s ("
                                          + archiverState() + "); without it the backup cannot be restored, so it is"
                                          + " discarded: fix archive_command (the server log says why it fails)");
            }
            if (System.nanoTime() - nextReport >= 0) {
                report.accept("backup " + backupName + ": waiting for archive_command to archive " + segment
                              + ", the backup's last WAL segment (" + archiverState() + "; giving up after "
                              + timeout.toSeconds() + " s)");
                nextReport = System.nanoTime() + REPORT_EVERY.toNanos();
            }
            Thread.sleep(first ? 50 : 200);
            first = false;
        }
    }

    private boolean archived(String segment) {
        Path wal = pgdata.resolve("pg_wal");
        Path status = wal.resolve("archive_status");
        return !Files.exists(status.resolve(segment + ".ready"))
               && (Files.exists(status.resolve(segment + ".done")) || !Files.exists(wal.resolve(segment)));
    }

    /** pg_stat_archiver in words: the last archived file and the last failure, if it is the newer. */
    private String archiverState() throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("select last_archived_wal, last_archived_time, last_failed_wal,"
                                            + " last_failed_time, failed_count from pg_stat_archiver")) {
            rs.next();
            String archived = rs.getString(1);
            var archivedAt = rs.getTimestamp(2);
            String failed = rs.getString(3);
            var failedAt = rs.getTimestamp(4);
            String last = "last archived: " + (archived == null ? "none" : archived);
            if (failed != null && (archivedAt == null || failedAt.after(archivedAt))) {
                return last + "; failing: " + rs.getLong(5) + " failures, the last for " + failed + " at "
                       + failedAt.toInstant();
            }
            return last;
        }
    }

    private String query(String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
