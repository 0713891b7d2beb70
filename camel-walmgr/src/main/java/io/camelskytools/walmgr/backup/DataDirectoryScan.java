package io.camelskytools.walmgr.backup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists what a backup copies: the data directory under {@code data/} minus
 * {@link BackupExclusions}, and each tablespace (the targets of the links in pg_tblspc)
 * under {@code tablespaces/<oid>/}. Things that vanish while we look are left out quietly:
 * the server drops files all the time and WAL replay recreates what matters.
 */
final class DataDirectoryScan {

    static final String DATA = "data";
    static final String TABLESPACES = "tablespaces";

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryScan.class);

    private final List<CopyItem> items = new ArrayList<>();
    private final Map<Integer, Path> tablespaces = new TreeMap<>();

    private DataDirectoryScan() {
    }

    static DataDirectoryScan of(Path dataDir) throws IOException {
        DataDirectoryScan s = new DataDirectoryScan();
        s.walk(dataDir, DATA, true);
        Path links = dataDir.resolve("pg_tblspc");
        if (Files.isDirectory(links)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(links)) {
                for (Path link : ds) {
                    s.addTablespace(link);
                }
            }
        }
        return s;
    }

    List<CopyItem> items() {
        return items;
    }

    /** OID to the tablespace's directory on the server. */
    Map<Integer, Path> tablespaces() {
        return tablespaces;
    }

    long totalBytes() {
        return items.stream().mapToLong(CopyItem::size).sum();
    }

    private void addTablespace(Path link) throws IOException {
        String name = link.getFileName().toString();
        if (!name.matches("[0-9]+")) {
            return;
        }
        int oid = Integer.parseInt(name);
        Path dir;
        try {
            dir = Files.isSymbolicLink(link) ? link.toRealPath() : link; // PG 15 allows in-place (plain directory)
        } catch (NoSuchFileException e) {
            LOG.warn("tablespace link {} points nowhere; tablespace {} left out of the backup", link, oid);
            return;
        }
        tablespaces.put(oid, dir);
        walk(dir, TABLESPACES + "/" + oid, false);
    }

    private void walk(Path root, String prefix, boolean dataDir) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                String rel = relative(root, d);
                if (!rel.isEmpty() && BackupExclusions.skipped(rel)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                items.add(new CopyItem(d, join(prefix, rel), true, 0));
                if (dataDir && rel.equals("pg_wal")) {
                    items.add(new CopyItem(d, join(prefix, "pg_wal/archive_status"), true, 0));
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (dataDir && (rel.equals("pg_tblspc") || BackupExclusions.emptied(rel))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                String rel = relative(root, f);
                if (dataDir && rel.equals("pg_wal") && a.isSymbolicLink()) {
                    // pg_wal elsewhere (initdb -X): the backup gets an empty one of its own
                    items.add(new CopyItem(f, join(prefix, rel), true, 0));
                    items.add(new CopyItem(f, join(prefix, "pg_wal/archive_status"), true, 0));
                    return FileVisitResult.CONTINUE;
                }
                if (BackupExclusions.skipped(rel)) {
                    return FileVisitResult.CONTINUE;
                }
                if (a.isSymbolicLink()) {
                    BasicFileAttributes t;
                    try {
                        t = Files.readAttributes(f, BasicFileAttributes.class);
                    } catch (NoSuchFileException e) {
                        LOG.warn("link {} in the data directory points nowhere; left out of the backup", f);
                        return FileVisitResult.CONTINUE;
                    }
                    if (!t.isRegularFile()) {
                        LOG.warn("link {} in the data directory is not to a file; left out of the backup", f);
                        return FileVisitResult.CONTINUE;
                    }
                    a = t; // a configuration file kept elsewhere: its content goes in
                }
                if (a.isRegularFile()) {
                    items.add(new CopyItem(f, join(prefix, rel), false, a.size()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    private static String join(String prefix, String rel) {
        return rel.isEmpty() ? prefix : prefix + "/" + rel;
    }
}
