package io.camelskytools.walmgr.restore;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.camelskytools.walmgr.backup.BackupInfo;

/**
 * A data directory put in place by {@link Restore}, ready for pg_ctl start.
 *
 * @param dataDir     the new data directory
 * @param backup      the backup it came from
 * @param tablespaces tablespace OID to its new directory
 * @param standby     true when it starts as a standby (standby.signal), false for recovery (recovery.signal)
 * @param settings    what was written to postgresql.auto.conf, in that order
 * @param configFiles the primary's config files put in from outside its data directory (postgresql.conf with
 *                    what was left out of it), empty when it kept them inside
 * @param walProblems damaged or missing segments the restore let through (a time or restore-point target may lie
 *                    before them; a standby may stream them; or allowed): recovery stops there unless allowed
 */
public record RestoredDatabase(Path dataDir, BackupInfo backup, Map<Integer, Path> tablespaces, boolean standby,
                               Map<String, String> settings, List<String> configFiles,
                               List<String> walProblems) {
}
