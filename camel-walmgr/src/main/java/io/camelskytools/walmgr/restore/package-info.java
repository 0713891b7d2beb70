/**
 * Restoring a backup into a new data directory set up to recover from the archive (to the
 * end, a time, an LSN, a restore point) or to follow it as a standby:
 * {@link io.camelskytools.walmgr.restore.Restore}.
 */
package io.camelskytools.walmgr.restore;
