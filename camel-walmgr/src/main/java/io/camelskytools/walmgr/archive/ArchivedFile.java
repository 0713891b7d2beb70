package io.camelskytools.walmgr.archive;

import java.nio.file.Path;

/**
 * A file now durably in the archive.
 *
 * @param name     the WAL file name PostgreSQL uses (no .gz)
 * @param path     where it is stored (may end in .gz)
 * @param sha256   checksum of the uncompressed content
 * @param size     uncompressed size in bytes
 * @param existed  true when the same content was already there (nothing was written)
 */
public record ArchivedFile(String name, Path path, String sha256, long size, boolean existed) {
}
