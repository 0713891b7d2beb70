package io.camelskytools.walmgr.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.walmgr.archive.DurableFiles;
import io.camelskytools.walmgr.archive.Sha256;

/**
 * Manifest entries for a backup directory some other tool filled (pg_basebackup): every
 * directory and file under it, checksummed, each fsynced on the way (the manifest then
 * vouches for what is on disk).
 */
final class BackupDirectoryListing {

    private BackupDirectoryListing() {
    }

    static List<ManifestEntry> of(Path backupDir) throws IOException {
        List<ManifestEntry> out = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        Files.walkFileTree(backupDir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                if (!d.equals(backupDir)) {
                    out.add(ManifestEntry.directory(rel(backupDir, d)));
                }
                dirs.add(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                if (!a.isRegularFile()) {
                    throw new IOException("Unexpected " + (a.isSymbolicLink() ? "link " : "special file ") + f
                                          + " in backup directory " + backupDir);
                }
                String rel = rel(backupDir, f);
                if (!rel.equals(BackupManifest.FILE_NAME)) {
                    DurableFiles.fsync(f);
                    try (InputStream in = Files.newInputStream(f)) {
                        out.add(ManifestEntry.file(rel, a.size(), Sha256.of(in)));
                    }
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (int i = dirs.size() - 1; i >= 0; i--) {
            DurableFiles.fsyncDirectory(dirs.get(i));
        }
        return out;
    }

    private static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }
}
