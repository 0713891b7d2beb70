package io.camelskytools.walmgr.backup;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.camelskytools.walmgr.archive.DurableFiles;
import io.camelskytools.walmgr.archive.Sha256;
import io.camelskytools.walmgr.wal.Lsn;
import io.camelskytools.walmgr.wal.WalSegment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A non-exclusive base backup by file copy, run on the server's host: pg_backup_start on
 * one connection, copy the data directory and tablespaces into a new directory of a
 * {@link BackupStore}, pg_backup_stop, then (with archive_mode on) a wait with a deadline until
 * archive_command has archived the backup's last WAL segment, then backup_label,
 * tablespace_map and, last, the manifest.
 *
 * <p>Files change under the copy; that is what the WAL from start to stop repairs. The
 * connection is held for the whole copy: if it breaks, the server ends the backup and so do we.
 * A failed backup's directory is removed.
 */
public final class BaseBackup {

    private static final Logger LOG = LoggerFactory.getLogger(BaseBackup.class);

    private final ServerConnector server;
    private final BackupStore store;
    private String label = "walmgr";
    private boolean fast = true;
    private Path dataDirectory;
    private BackupProgress progress = (name, copied, total) ->
            LOG.info("backup {}: {} of {} MB copied", name, copied >> 20, total >> 20);
    private Duration archiveTimeout = Duration.ofMinutes(5);
    private Consumer<String> waiting = LOG::info;

    public BaseBackup(ServerConnector server, BackupStore store) {
        this.server = server;
        this.store = store;
    }

    /** The label PostgreSQL writes into backup_label (no line breaks). */
    public BaseBackup label(String l) {
        if (l == null || l.isEmpty() || l.length() > 1000 || l.indexOf('\n') >= 0 || l.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("Backup label must be 1-1000 characters on one line, not '" + l + "'");
        }
        this.label = l;
        return this;
    }

    /** true (default): an immediate checkpoint; false: wait for the next spread one. */
    public BaseBackup fast(boolean f) {
        this.fast = f;
        return this;
    }

    /** The data directory to copy, when the server's data_directory is not the path we see. */
    public BaseBackup dataDirectory(Path d) {
        this.dataDirectory = d;
        return this;
    }

    public BaseBackup progress(BackupProgress p) {
        this.progress = p;
        return this;
    }

    /** How long to wait for archive_command to archive the backup's last segment (default 5 minutes). */
    public BaseBackup archiveTimeout(Duration t) {
        if (t == null || t.isNegative() || t.isZero()) {
            throw new IllegalArgumentException("Archive timeout must be positive, not " + t);
        }
        this.archiveTimeout = t;
        return this;
    }

    /** Where the lines saying what the backup waits for go (default: the log). */
    public BaseBackup waiting(Consumer<String> w) {
        this.waiting = w;
        return this;
    }

    /** Takes a backup named after the clock. */
    public BackupInfo take() {
        return take(null);
    }

    /** Takes a backup with the given name (null: named after the clock). */
    public BackupInfo take(String name) {
        String n = name != null ? name : store.newName(Instant.now());
        Path dir = store.create(n);
        try {
            BackupInfo info = run(n, dir);
            LOG.info("backup {} of {} complete: {} files, {} MB, WAL {} to {}", n, server.describe(),
                    info.manifest().fileCount(), info.sizeBytes() >> 20, info.startSegment(),
                    info.manifest().stopSegment().fileName(info.manifest().walSegmentSize()));
            return info;
        } catch (SQLException e) {
            discard(dir);
            throw new BackupException("Backup " + n + " of " + server.describe() + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            discard(dir);
            throw new BackupException("Backup " + n + " of " + server.describe() + " failed copying files: " + e, e);
        } catch (RuntimeException e) {
            discard(dir);
            throw e;
        }
    }

    private BackupInfo run(String name, Path dir) throws SQLException, IOException {
        try (Connection c = server.connect()) {
            c.setAutoCommit(true);
            ServerFacts facts = ServerFacts.query(c);
            BackupFunctions sql = BackupFunctions.forVersion(facts.versionNum(), server.describe());
            Path pgdata = (dataDirectory != null ? dataDirectory : Path.of(facts.dataDirectory())).toAbsolutePath();
            long onDisk = ServerFacts.systemIdentifierOnDisk(pgdata);
            if (onDisk != facts.systemIdentifier()) {
                throw new BackupException("Data directory " + pgdata + " belongs to cluster " + Long.toUnsignedString(onDisk)
                                          + ", but " + server.describe() + " is cluster "
                                          + Long.toUnsignedString(facts.systemIdentifier()));
            }

            long startLsn;
            Instant startTime;
            try (PreparedStatement st = c.prepareStatement(sql.start())) {
                st.setString(1, label);
                st.setBoolean(2, fast);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    startLsn = Lsn.parse(rs.getString(1));
                    startTime = rs.getTimestamp(2).toInstant();
                }
            }
            LOG.info("backup {} started on {} at {} (label '{}'); copying {} into {}", name, server.describe(),
                    Lsn.format(startLsn), label, pgdata, dir);

            DataDirectoryScan scan = DataDirectoryScan.of(pgdata);
            List<ManifestEntry> entries = copy(name, scan, dir);
            entries.addAll(copyConfigFiles(name, ServerConfigFiles.outside(c, facts.dataDirectory()), dir));

            long stopLsn;
            String labelFile;
            String spcmap;
            Instant stopTime;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql.stop())) {
                rs.next();
                stopLsn = Lsn.parse(rs.getString(1));
                labelFile = rs.getString(2);
                spcmap = rs.getString(3);
                stopTime = rs.getTimestamp(4).toInstant();
            }
            String lastSegment = WalSegment.containing(BackupLabel.timeline(labelFile), Math.max(startLsn, stopLsn - 1),
                    facts.walSegmentSize()).fileName(facts.walSegmentSize());
            try {
                new ArchiveWait(c, pgdata, archiveTimeout, waiting).forSegment(name, lastSegment);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackupException("Backup " + name + " interrupted while waiting for " + lastSegment
                                          + " to be archived", e);
            }
            entries.add(writeSmall(dir, DataDirectoryScan.DATA + "/backup_label", labelFile));
            if (spcmap != null && !spcmap.isEmpty()) {
                entries.add(writeSmall(dir, DataDirectoryScan.DATA + "/tablespace_map", spcmap));
            }
            syncDirectories(dir, entries);

            Map<Integer, String> spaces = new TreeMap<>();
            scan.tablespaces().forEach((oid, p) -> spaces.put(oid, p.toString()));
            BackupManifest m = new BackupManifest(name, label, facts.systemIdentifier(), facts.versionNum(),
                    facts.walSegmentSize(), BackupLabel.timeline(labelFile), startLsn, stopLsn, startTime, stopTime,
                    pgdata.toString(), spaces, entries);
            DurableFiles.writeDurably(dir.resolve(BackupManifest.FILE_NAME), m.toText().getBytes(StandardCharsets.UTF_8));
            DurableFiles.fsyncDirectory(store.dir());
            return new BackupInfo(dir, m);
        }
    }

    private List<ManifestEntry> copy(String name, DataDirectoryScan scan, Path dir) throws IOException {
        ProgressThrottle meter = new ProgressThrottle(name, progress, scan.totalBytes());
        List<ManifestEntry> entries = new ArrayList<>();
        Set<String> dirs = new HashSet<>();
        if (!scan.tablespaces().isEmpty()) {
            dirs.add(DataDirectoryScan.TABLESPACES);
            entries.add(ManifestEntry.directory(DataDirectoryScan.TABLESPACES));
        }
        for (CopyItem item : scan.items()) {
            Path target = dir.resolve(item.target());
            if (item.dir()) {
                if (dirs.add(item.target())) {
                    Files.createDirectories(target, PosixFilePermissions.asFileAttribute(FileCopier.DIR_MODE));
                    entries.add(ManifestEntry.directory(item.target()));
                }
                continue;
            }
            FileCopier.Copied c = FileCopier.copy(item.source(), target, true, meter::add);
            if (c != null) {
                entries.add(ManifestEntry.file(item.target(), c.size(), c.sha256()));
            }
        }
        meter.done();
        return entries;
    }

    /** Keeps config files from outside the data directory; one that cannot be read is warned about and left. */
    private static List<ManifestEntry> copyConfigFiles(String name, Map<String, Path> files, Path dir) throws IOException {
        List<ManifestEntry> entries = new ArrayList<>();
        if (files.isEmpty()) {
            return entries;
        }
        Files.createDirectories(dir.resolve(ServerConfigFiles.DIR), PosixFilePermissions.asFileAttribute(FileCopier.DIR_MODE));
        entries.add(ManifestEntry.directory(ServerConfigFiles.DIR));
        for (Map.Entry<String, Path> f : files.entrySet()) {
            String rel = ServerConfigFiles.DIR + "/" + f.getKey();
            try {
                FileCopier.Copied c = FileCopier.copy(f.getValue(), dir.resolve(rel), true, n -> { });
                if (c != null) {
                    entries.add(ManifestEntry.file(rel, c.size(), c.sha256()));
                    continue;
                }
            } catch (AccessDeniedException e) {
                // falls through to the warning: the backup is still good, a restore needs the file by hand
            }
            LOG.warn("backup {}: cannot read {} (the server's {}, outside its data directory): a restore of it needs"
                     + " one copied by hand", name, f.getValue(), f.getKey());
        }
        return entries;
    }

    private static ManifestEntry writeSmall(Path dir, String rel, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Path target = dir.resolve(rel);
        DurableFiles.writeDurably(target, bytes);
        Files.setPosixFilePermissions(target, FileCopier.FILE_MODE);
        return ManifestEntry.file(rel, bytes.length, Sha256.of(new ByteArrayInputStream(bytes)));
    }

    private static void syncDirectories(Path dir, List<ManifestEntry> entries) throws IOException {
        LinkedHashSet<String> dirs = new LinkedHashSet<>();
        entries.stream().filter(ManifestEntry::dir).forEach(e -> dirs.add(e.path()));
        List<String> order = new ArrayList<>(dirs);
        for (int i = order.size() - 1; i >= 0; i--) {
            DurableFiles.fsyncDirectory(dir.resolve(order.get(i)));
        }
        DurableFiles.fsyncDirectory(dir);
    }

    private void discard(Path dir) {
        try {
            BackupStore.deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("could not remove the unfinished backup directory {}: {}", dir, e.getMessage());
        }
    }
}
