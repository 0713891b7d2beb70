package io.camelskytools.walmgr.backup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.camelskytools.walmgr.archive.DurableFiles;
import io.camelskytools.walmgr.archive.WalArchive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of base backups, one sub-directory each. A backup is complete when its
 * {@link BackupManifest} is there (it is written last); anything else is a backup being taken
 * or one that failed, and is neither listed nor rotated away.
 */
public final class BackupStore {

    /** Where backups live inside a WAL archive directory, next to its wal/. */
    public static final String DIR_IN_ARCHIVE = "backups";

    private static final Logger LOG = LoggerFactory.getLogger(BackupStore.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Comparator<BackupInfo> OLDEST_FIRST =
            Comparator.comparing(BackupInfo::startTime).thenComparing(BackupInfo::name);

    private final Path dir;

    private BackupStore(Path dir) {
        this.dir = dir;
    }

    /** The backups directory of an archive, created when missing. */
    public static BackupStore in(WalArchive archive) {
        Path d = archive.root().resolve(DIR_IN_ARCHIVE);
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new BackupException("Cannot create the backups directory " + d + ": " + e.getMessage(), e);
        }
        return new BackupStore(d);
    }

    /** A backups directory that must exist (a typo should not start an empty store somewhere). */
    public static BackupStore open(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new BackupException("Backups directory " + abs + " does not exist or is not a directory");
        }
        return new BackupStore(abs);
    }

    public Path dir() {
        return dir;
    }

    /** Complete backups, oldest first. */
    public List<BackupInfo> list() {
        List<BackupInfo> out = new ArrayList<>();
        for (Path d : subdirectories()) {
            Path m = d.resolve(BackupManifest.FILE_NAME);
            if (Files.isRegularFile(m)) {
                out.add(new BackupInfo(d, BackupManifest.read(m)));
            }
        }
        out.sort(OLDEST_FIRST);
        return out;
    }

    /** Directories without a manifest: in progress, or left by a failed backup. */
    public List<Path> incomplete() {
        return subdirectories().stream().filter(d -> !Files.exists(d.resolve(BackupManifest.FILE_NAME))).toList();
    }

    /** Deletes what failed backups left (directories without a manifest); returns them. */
    public List<Path> removeIncomplete() {
        List<Path> gone = incomplete();
        try {
            for (Path p : gone) {
                deleteTree(p);
            }
            DurableFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            throw new BackupException("Cannot remove incomplete backups in " + dir + ": " + e.getMessage(), e);
        }
        return gone;
    }

    public Optional<BackupInfo> latest() {
        List<BackupInfo> all = list();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The complete backup of that name, or an error that lists the ones there are. */
    public BackupInfo get(String name) {
        List<BackupInfo> all = list();
        for (BackupInfo b : all) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        boolean partial = name != null && NAME.matcher(name).matches() && Files.isDirectory(dir.resolve(name));
        throw new BackupException("No complete backup named '" + name + "' in " + dir
                                  + (partial ? " (its directory has no manifest: the backup is incomplete)" : "")
                                  + "; complete backups: "
                                  + (all.isEmpty() ? "none" : String.join(", ", all.stream().map(BackupInfo::name).toList())));
    }

    /**
     * Keeps the newest {@code keep} complete backups and deletes the older ones (walmgr's
     * xrotate). Returns what was deleted, oldest first.
     */
    public List<BackupInfo> rotate(int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("Keep at least one backup, not " + keep);
        }
        List<BackupInfo> all = list();
        List<BackupInfo> gone = new ArrayList<>(all.subList(0, Math.max(0, all.size() - keep)));
        for (BackupInfo b : gone) {
            delete(b);
        }
        return gone;
    }

    /** Deletes a backup: its manifest first, so a crash half way leaves an incomplete one, never a broken one. */
    public void delete(BackupInfo b) {
        try {
            Files.deleteIfExists(b.dir().resolve(BackupManifest.FILE_NAME));
            DurableFiles.fsyncDirectory(b.dir());
            deleteTree(b.dir());
            DurableFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            throw new BackupException("Cannot delete backup " + b.name() + " at " + b.dir() + ": " + e.getMessage(), e);
        }
        LOG.info("deleted backup {} (started {}, first WAL {})", b.name(), b.startTime(), b.startSegment());
    }

    /** A fresh name from the clock: base_20261125T013000Z (with -2, -3... when taken). */
    String newName(Instant now) {
        String base = "base_" + STAMP.format(now);
        String name = base;
        for (int i = 2; Files.exists(dir.resolve(name)); i++) {
            name = base + "-" + i;
        }
        return name;
    }

    /** Creates the directory of a new backup; the name must be free. */
    Path create(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new BackupException("Backup name must be 1-100 of A-Z a-z 0-9 _ . - (not starting with . or -), not '"
                                      + name + "'");
        }
        Path d = dir.resolve(name);
        try {
            Files.createDirectory(d, PosixFilePermissions.asFileAttribute(FileCopier.DIR_MODE));
            return d;
        } catch (FileAlreadyExistsException e) {
            throw new BackupException("A backup named '" + name + "' already exists in " + dir);
        } catch (IOException e) {
            throw new BackupException("Cannot create backup directory " + d + ": " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.delete(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private List<Path> subdirectories() {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new BackupException("Cannot list backups directory " + dir + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }
}
