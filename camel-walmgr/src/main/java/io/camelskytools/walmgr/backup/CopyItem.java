package io.camelskytools.walmgr.backup;

import java.nio.file.Path;

/**
 * One thing to put into a backup.
 *
 * @param source where it is now
 * @param target path relative to the backup directory, '/'-separated
 * @param dir    a directory (created, not copied)
 * @param size   the file's size when scanned (for progress only)
 */
record CopyItem(Path source, String target, boolean dir, long size) {
}
