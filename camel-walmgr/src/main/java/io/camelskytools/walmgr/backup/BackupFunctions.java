package io.camelskytools.walmgr.backup;

/**
 * The SQL of a non-exclusive backup: PostgreSQL 15 renamed the functions (and dropped
 * exclusive backups); 13 and 14 take the old names with exclusive = false.
 */
final class BackupFunctions {

    private final boolean renamed;

    private BackupFunctions(boolean renamed) {
        this.renamed = renamed;
    }

    static BackupFunctions forVersion(int versionNum, String server) {
        if (versionNum < 130000) {
            throw new BackupException("Server " + server + " runs PostgreSQL " + versionNum
                                      + "; walmgr backups need 13 or later");
        }
        return new BackupFunctions(versionNum >= 150000);
    }

    /** Parameters: label, fast; returns the start LSN and the server's clock. */
    String start() {
        return renamed ? "select pg_backup_start(?, ?)::text, clock_timestamp()"
                       : "select pg_start_backup(?, ?, false)::text, clock_timestamp()";
    }

    /**
     * Ends the backup without waiting for archiving (walmgr waits itself, with a deadline and
     * a word on what it waits for); returns lsn, labelfile, spcmapfile and the server's clock.
     */
    String stop() {
        return renamed ? "select lsn::text, labelfile, spcmapfile, clock_timestamp() from pg_backup_stop(false)"
                       : "select lsn::text, labelfile, spcmapfile, clock_timestamp() from pg_stop_backup(false, false)";
    }
}
