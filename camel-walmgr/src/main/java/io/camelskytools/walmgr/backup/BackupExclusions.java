package io.camelskytools.walmgr.backup;

import java.util.Set;

/**
 * What a base backup leaves out of the data directory, as PostgreSQL's documentation on
 * low-level backups lists it: state that is rebuilt at start-up, belongs to the running
 * server only, or comes back from WAL. Paths are relative to the data directory, '/'-separated.
 */
final class BackupExclusions {

    /** Directories kept (PostgreSQL needs them to exist) but copied empty. */
    private static final Set<String> EMPTIED = Set.of("pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial",
            "pg_snapshots", "pg_stat_tmp", "pg_subtrans");

    /** Top-level files of the running server, or of another backup. */
    private static final Set<String> TOP_FILES = Set.of("postmaster.pid", "postmaster.opts", "backup_label",
            "backup_label.old", "tablespace_map", "tablespace_map.old", "backup_manifest", "postgresql.auto.conf.tmp",
            "current_logfiles.tmp");

    private BackupExclusions() {
    }

    /** The directory is copied but not what is in it. */
    static boolean emptied(String rel) {
        return EMPTIED.contains(rel);
    }

    /** Left out altogether (file or directory). */
    static boolean skipped(String rel) {
        String name = rel.substring(rel.lastIndexOf('/') + 1);
        if (name.startsWith("pgsql_tmp")) {
            return true; // temporary files of running queries, anywhere (tablespaces too)
        }
        if (name.equals("pg_internal.init")) {
            return true; // relation cache, rebuilt at start-up
        }
        return rel.indexOf('/') < 0 && TOP_FILES.contains(rel);
    }
}
