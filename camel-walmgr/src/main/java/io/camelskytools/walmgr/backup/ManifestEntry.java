package io.camelskytools.walmgr.backup;

/**
 * One directory or file of a backup.
 *
 * @param path   relative to the backup directory, '/'-separated ("data/base/1/1259", "tablespaces/16384/...")
 * @param dir    true for a directory (size 0, no checksum): PostgreSQL needs some empty ones
 * @param size   bytes copied
 * @param sha256 hex checksum of what was copied, null for a directory
 */
public record ManifestEntry(String path, boolean dir, long size, String sha256) {

    public static ManifestEntry directory(String path) {
        return new ManifestEntry(path, true, 0, null);
    }

    public static ManifestEntry file(String path, long size, String sha256) {
        return new ManifestEntry(path, false, size, sha256);
    }
}
