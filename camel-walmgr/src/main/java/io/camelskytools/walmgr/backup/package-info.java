/**
 * Base backups into the archive: by file copy on the server's host ({@link io.camelskytools.walmgr.backup.BaseBackup})
 * or by pg_basebackup, with their manifests, the store that lists and rotates them, and the
 * purge of WAL no backup needs.
 */
package io.camelskytools.walmgr.backup;
