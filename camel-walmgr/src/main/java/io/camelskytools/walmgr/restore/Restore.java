package io.camelskytools.walmgr.restore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.backup.BackupInfo;
import io.camelskytools.walmgr.backup.BackupManifest;
import io.camelskytools.walmgr.backup.BackupStore;
import io.camelskytools.walmgr.backup.FileCopier;
import io.camelskytools.walmgr.backup.ManifestEntry;
import io.camelskytools.jdbc.JdbcUrls;
import io.camelskytools.walmgr.wal.Lsn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a base backup into a new data directory and configures how it recovers: to a point
 * in time (recovery.signal) or as a standby (standby.signal) that reads the archive
 * (restore_command) and/or streams from a primary (primary_conninfo).
 *
 * <p>The backup is chosen by name; else, for a time or LSN target, the newest backup that
 * ended before it; for a restore point, the newest that ended before the point's record in
 * the archive's WAL (the newest if the archive does not hold it); else the newest. Every
 * file is checked against the manifest's checksum while it is copied. The directory is left
 * for the caller to start (pg_ctl), with any port or other settings given through
 * {@link #setting}.
 *
 * <p>Written to postgresql.auto.conf: restore_command (with an archive), the recovery target
 * with recovery_target_inclusive and recovery_target_action (promote unless told), primary_conninfo
 * and primary_slot_name (when given), archive_mode = off (unless {@link #keepArchiving}: a
 * restored copy must not push its own WAL into the original's archive), then the caller's settings.
 * Config files the primary kept outside its data directory (Debian) come from the backup's
 * {@code config/}, postgresql.conf without the settings that point at the original's files.
 */
public final class Restore {

    private static final Logger LOG = LoggerFactory.getLogger(Restore.class);

    private final BackupStore store;
    private String backupName;
    private WalArchive archive;
    private RecoveryTarget target = RecoveryTarget.latest();
    private boolean inclusive = true;
    private RecoveryAction action = RecoveryAction.PROMOTE;
    private boolean standby;
    private String primaryConninfo;
    private String primarySlot;
    private boolean servePartial = true;
    private boolean keepArchiving;
    private List<Path> walCopies = List.of();
    private boolean allowGap;
    private String owner = FileOwner.runningAsRoot() ? "postgres" : null;
    private final Map<Integer, Path> tablespaceDirs = new TreeMap<>();
    private final Map<String, String> extra = new LinkedHashMap<>();

    public Restore(BackupStore store) {
        this.store = store;
    }

    /** The backup to restore (default: chosen by the target, else the newest). */
    public Restore backup(String name) {
        this.backupName = name;
        return this;
    }

    /** The WAL archive recovery reads (restore_command). */
    public Restore archive(WalArchive a) {
        this.archive = a;
        return this;
    }

    public Restore target(RecoveryTarget t) {
        this.target = t == null ? RecoveryTarget.latest() : t;
        return this;
    }

    /** Stop just after (true, default) or just before the target. */
    public Restore inclusive(boolean i) {
        this.inclusive = i;
        return this;
    }

    public Restore action(RecoveryAction a) {
        this.action = a;
        return this;
    }

    /** Start as a standby that keeps following (standby.signal) instead of recovering once. */
    public Restore standby(boolean s) {
        this.standby = s;
        return this;
    }

    /** Stream from this primary (libpq connection string), for a standby. */
    public Restore primaryConninfo(String conninfo) {
        this.primaryConninfo = conninfo;
        return this;
    }

    public Restore primarySlot(String slot) {
        if (slot != null && !slot.matches("[a-z0-9_]{1,63}")) {
            throw new IllegalArgumentException("Replication slot name must be 1-63 of a-z, 0-9 and _, not " + slot);
        }
        this.primarySlot = slot;
        return this;
    }

    /** Hand out the streaming archiver's .partial segment when the completed one is missing (default true). */
    public Restore servePartial(boolean s) {
        this.servePartial = s;
        return this;
    }

    /**
     * More directories holding copies of the archived WAL files (plain or .gz, as the archive's
     * wal/), where the restore_command looks for a good copy of a segment the archive holds damaged.
     */
    public Restore walCopies(List<Path> dirs) {
        this.walCopies = dirs.stream().map(d -> d.toAbsolutePath().normalize()).toList();
        return this;
    }

    /**
     * Let recovery end (and promote) at a damaged or missing segment when later WAL exists,
     * accepting the loss of what follows. Default: restore refuses, and recovery stops there.
     */
    public Restore allowGap(boolean a) {
        this.allowGap = a;
        return this;
    }

    /** Leave archive_mode as the original had it (default: off in the copy). */
    public Restore keepArchiving(boolean k) {
        this.keepArchiving = k;
        return this;
    }

    /** Where tablespace oid goes (default: next to the data directory, DATADIR_tblspc_OID). */
    public Restore tablespace(int oid, Path dir) {
        tablespaceDirs.put(oid, dir.toAbsolutePath().normalize());
        return this;
    }

    /** Any other setting for the restored server (port, ...), written to postgresql.auto.conf. */
    public Restore setting(String name, String value) {
        if (name == null || !name.matches("[a-z_][a-z0-9_.]*")) {
            throw new IllegalArgumentException("Not a configuration parameter name: " + name);
        }
        extra.put(name, value);
        return this;
    }

    /** The OS user to own the files (default: postgres when we run as root, else unchanged). */
    public Restore owner(String user) {
        this.owner = user;
        return this;
    }

    /** Restores into target, which must not exist yet or be empty, in an existing directory. */
    public RestoredDatabase into(Path target) {
        Path dataDir = target.toAbsolutePath().normalize();
        if (!standby && archive == null) {
            throw new RestoreException("Restoring to " + dataDir + " needs a WAL archive to recover from (restore_command)");
        }
        if (standby && archive == null && primaryConninfo == null) {
            throw new RestoreException("Standby " + dataDir + " needs a WAL archive (restore_command), a primary_conninfo"
                                       + " or both");
        }
        BackupInfo backup = chooseBackup();
        checkTarget(backup);
        List<String> walProblems = checkWal(backup);
        Map<Integer, Path> spaces = tablespacePlaces(backup.manifest(), dataDir);
        checkEmpty(dataDir, "Target data directory");
        for (Path p : spaces.values()) {
            checkEmpty(p, "Tablespace directory");
        }
        Map<String, String> settings = settings(backup);
        List<String> configFiles;
        FileOwner o = owner == null ? null : FileOwner.of(owner);
        List<Path> made = new ArrayList<>();
        made.add(dataDir);
        made.addAll(spaces.values());
        try {
            copy(backup, dataDir, spaces);
            configFiles = ConfigFilesFromBackup.putInto(backup, dataDir, settings.keySet());
            finish(dataDir, backup, spaces, settings);
            if (o != null) {
                for (Path p : made) {
                    o.applyTree(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the directories were empty or absent: what is in them now is ours, and half a restore is no use
            made.forEach(Restore::emptyQuietly);
            if (e instanceof RestoreException re) {
                throw re;
            }
            throw new RestoreException("Restoring backup " + backup.name() + " into " + dataDir + " failed: " + e, e);
        }
        LOG.info("restored backup {} into {} as a {} ({}{}{})", backup.name(), dataDir,
                standby ? "standby" : "recovering server", describeTarget(),
                archive != null ? ", WAL from " + archive.walDir() : "",
                primaryConninfo != null ? ", streaming from " + maskConninfo(primaryConninfo) : "");
        return new RestoredDatabase(dataDir, backup, Map.copyOf(spaces), standby,
                Collections.unmodifiableMap(settings), List.copyOf(configFiles), walProblems);
    }

    /**
     * The WAL the restore needs, checked before anything is copied. Where the whole of it is
     * needed (all WAL, an LSN, immediate) a damaged or missing segment is refused unless
     * allowed; for a time or a restore point it may lie after the target, so it is a warning
     * (the restore_command stops recovery there if replay gets that far). Standbys only warn:
     * streaming may fill the gap.
     */
    private List<String> checkWal(BackupInfo b) {
        if (archive == null) {
            return List.of();
        }
        long size = b.manifest().walSegmentSize();
        long last = target instanceof RecoveryTarget.Lsn l ? Long.divideUnsigned(l.lsn(), size)
                : target instanceof RecoveryTarget.Immediate ? b.manifest().stopSegment().segno() : Long.MAX_VALUE;
        List<String> problems;
        try {
            problems = new RecoveryWalCheck(archive, walCopies, size).problems(b.manifest().startSegment(), last);
        } catch (IOException e) {
            throw new RestoreException("Cannot check the WAL in " + archive.walDir() + " for backup " + b.name() + ": "
                                       + e.getMessage(), e);
        }
        if (problems.isEmpty()) {
            return List.of();
        }
        boolean whole = target instanceof RecoveryTarget.Latest || target instanceof RecoveryTarget.Lsn
                        || target instanceof RecoveryTarget.Immediate;
        if (whole && !standby && !allowGap) {
            throw new RestoreException("The archive cannot recover backup " + b.name() + " to " + describeTarget() + ": "
                                       + String.join("; ", problems) + ". Recovery would end early there and promote"
                                       + " without the WAL after it; put a good copy in place, or restore with"
                                       + " --allow-gap to accept that loss");
        }
        problems.forEach(p -> LOG.warn("WAL recovery may need: {}", p));
        return List.copyOf(problems);
    }

    private BackupInfo chooseBackup() {
        if (backupName != null) {
            try {
                return store.get(backupName);
            } catch (RuntimeException e) {
                throw new RestoreException(e.getMessage(), e);
            }
        }
        List<BackupInfo> all = store.list();
        if (all.isEmpty()) {
            throw new RestoreException("No complete backup in " + store.dir() + " to restore");
        }
        if (target instanceof RecoveryTarget.Name n && archive != null) {
            return backupBefore(n.restorePoint(), all);
        }
        List<BackupInfo> usable = all.stream().filter(b -> endsBefore(b)).toList();
        if (usable.isEmpty()) {
            BackupInfo oldest = all.get(0);
            throw new RestoreException("No backup in " + store.dir() + " ends before the recovery target " + describeTarget()
                                       + "; the oldest, " + oldest.name() + ", ends at " + oldest.stopTime() + " / "
                                       + Lsn.format(oldest.stopLsn()));
        }
        return usable.stream().max(Comparator.comparing(BackupInfo::stopTime)).orElseThrow();
    }

    /**
     * The newest backup that ended before the restore point: the archive's WAL is searched
     * after each backup's end, newest first, so only the WAL the restore replays anyway is
     * read. A restore point not in the archive (yet) leaves the newest backup.
     */
    private BackupInfo backupBefore(String restorePoint, List<BackupInfo> all) {
        List<BackupInfo> newestFirst = all.stream().sorted(Comparator.comparingLong(BackupInfo::stopLsn).reversed())
                .toList();
        LOG.info("looking for restore point {} in {} after the end of each backup, newest first", restorePoint,
                archive.walDir());
        try {
            long to = Long.MAX_VALUE;
            for (BackupInfo b : newestFirst) {
                RestorePointSearch search = RestorePointSearch.in(archive, b.manifest().walSegmentSize());
                Optional<RestorePointSearch.RestorePoint> p = search.find(restorePoint, b.stopLsn(), to);
                if (p.isPresent()) {
                    LOG.info("restore point {} is at {} (made {}); backup {} ended before it", restorePoint,
                            Lsn.format(p.get().lsn()), p.get().time(), b.name());
                    return b;
                }
                to = b.stopLsn();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not search {} for restore point {} ({}); restoring the newest backup", archive.walDir(),
                    restorePoint, e.toString());
            return newestFirst.get(0);
        }
        BackupInfo oldest = newestFirst.get(newestFirst.size() - 1);
        if (archiveHolds(restorePoint, oldest)) {
            throw new RestoreException("Restore point " + restorePoint + " was made before backup " + oldest.name()
                                       + " ended, the oldest in " + store.dir() + "; no backup can recover to it");
        }
        LOG.warn("restore point {} is not in the WAL archived after any backup; restoring the newest backup, {},"
                 + " and PostgreSQL looks for it while replaying", restorePoint, newestFirst.get(0).name());
        return newestFirst.get(0);
    }

    /** Whether the archive has the restore point anywhere before the backup ended. */
    private boolean archiveHolds(String restorePoint, BackupInfo b) {
        try {
            return RestorePointSearch.in(archive, b.manifest().walSegmentSize())
                    .find(restorePoint, 0, b.stopLsn()).isPresent();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private boolean endsBefore(BackupInfo b) {
        if (target instanceof RecoveryTarget.Time t) {
            return !t.at().isBefore(b.stopTime());
        }
        if (target instanceof RecoveryTarget.Lsn l) {
            return Long.compareUnsigned(l.lsn(), b.stopLsn()) >= 0;
        }
        return true;
    }

    /** Recovery can only stop once the backup is consistent, i.e. after its end. */
    private void checkTarget(BackupInfo b) {
        if (target instanceof RecoveryTarget.Time t && t.at().isBefore(b.stopTime())) {
            throw new RestoreException("Recovery target time " + t.at() + " is before backup " + b.name() + " ended ("
                                       + b.stopTime() + "); recover from an older backup or to a later time");
        }
        if (target instanceof RecoveryTarget.Lsn l && Long.compareUnsigned(l.lsn(), b.stopLsn()) < 0) {
            throw new RestoreException("Recovery target LSN " + Lsn.format(l.lsn()) + " is before backup " + b.name()
                                       + " ended (" + Lsn.format(b.stopLsn()) + "); recover from an older backup"
                                       + " or to a later LSN");
        }
    }

    private Map<Integer, Path> tablespacePlaces(BackupManifest m, Path dataDir) {
        Map<Integer, Path> out = new TreeMap<>();
        for (Integer oid : m.tablespaces().keySet()) {
            Path p = tablespaceDirs.getOrDefault(oid, dataDir.resolveSibling(dataDir.getFileName() + "_tblspc_" + oid));
            if (p.startsWith(dataDir)) {
                throw new RestoreException("Tablespace " + oid + " directory " + p + " is inside the data directory "
                                           + dataDir + "; give one outside it");
            }
            out.put(oid, p);
        }
        for (Integer oid : tablespaceDirs.keySet()) {
            if (!out.containsKey(oid)) {
                throw new RestoreException("Backup " + m.name() + " has no tablespace " + oid + " (it has "
                                           + (m.tablespaces().isEmpty() ? "none" : m.tablespaces().keySet()) + ")");
            }
        }
        return out;
    }

    private static void checkEmpty(Path dir, String what) {
        Path parent = dir.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new RestoreException(what + " " + dir + " cannot be created: its parent " + parent + " does not exist");
        }
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new RestoreException(what + " " + dir + " exists and is not a directory");
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                if (ds.iterator().hasNext()) {
                    throw new RestoreException(what + " " + dir + " is not empty; restore only into an empty or new"
                                               + " directory");
                }
            } catch (IOException e) {
                throw new RestoreException("Cannot read " + what.toLowerCase() + " " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    private Map<String, String> settings(BackupInfo b) {
        Map<String, String> s = new LinkedHashMap<>();
        if (archive != null) {
            s.put("restore_command", RestoreCommand.build(archive.walDir(), walCopies, b.manifest().walSegmentSize(),
                    servePartial, allowGap));
        }
        if (!(target instanceof RecoveryTarget.Latest)) {
            s.putAll(target.settings());
            s.put("recovery_target_inclusive", inclusive ? "on" : "off");
            s.put("recovery_target_action", action.setting());
        }
        if (primaryConninfo != null) {
            s.put("primary_conninfo", primaryConninfo);
        }
        if (primarySlot != null) {
            s.put("primary_slot_name", primarySlot);
        }
        if (!keepArchiving) {
            s.put("archive_mode", "off");
        }
        s.putAll(extra);
        return s;
    }

    private void copy(BackupInfo b, Path dataDir, Map<Integer, Path> spaces) throws IOException {
        createDir(dataDir);
        for (Path p : spaces.values()) {
            createDir(p);
        }
        for (ManifestEntry e : b.manifest().entries()) {
            Path to = place(e.path(), dataDir, spaces);
            if (to == null || e.path().equals("data/tablespace_map")) {
                continue; // the tablespaces/ container; the map is written anew below
            }
            if (e.dir()) {
                createDir(to);
                continue;
            }
            Path from = b.dir().resolve(e.path());
            if (!Files.isRegularFile(from)) {
                throw new RestoreException("Backup " + b.name() + " lacks file " + e.path() + " that its manifest lists");
            }
            Files.createDirectories(to.getParent());
            FileCopier.Copied c = FileCopier.copy(from, to, false, n -> { });
            if (c == null || c.size() != e.size() || !c.sha256().equals(e.sha256())) {
                throw new RestoreException("File " + from + " of backup " + b.name() + " is damaged: "
                                           + (c == null ? "gone" : c.size() + " bytes, sha256 " + c.sha256())
                                           + "; the manifest says " + e.size() + " bytes, sha256 " + e.sha256());
            }
        }
    }

    /** Where a backup path goes: data/... into the data directory, tablespaces/OID/... into its place. */
    private static Path place(String path, Path dataDir, Map<Integer, Path> spaces) {
        String[] parts = path.split("/", 3);
        if (parts[0].equals("data")) {
            return parts.length == 1 ? dataDir : dataDir.resolve(path.substring("data/".length()));
        }
        if (parts[0].equals("tablespaces") && parts.length > 1) {
            Path root = spaces.get(Integer.parseInt(parts[1]));
            return parts.length == 2 ? root : root.resolve(parts[2]);
        }
        return null;
    }

    private void finish(Path dataDir, BackupInfo b, Map<Integer, Path> spaces, Map<String, String> settings)
            throws IOException {
        for (String stale : List.of("postmaster.pid", "postmaster.opts", "standby.signal", "recovery.signal")) {
            Files.deleteIfExists(dataDir.resolve(stale));
        }
        createDir(dataDir.resolve("pg_wal"));
        createDir(dataDir.resolve("pg_wal").resolve("archive_status"));
        if (!spaces.isEmpty()) {
            // PostgreSQL makes the pg_tblspc links from this file when it starts from the backup
            StringBuilder map = new StringBuilder();
            spaces.forEach((oid, p) -> {
                if (p.toString().indexOf('\n') >= 0) {
                    throw new RestoreException("Tablespace directory " + p + " has a line break in its name");
                }
                map.append(oid).append(' ').append(p).append('\n');
            });
            Files.writeString(dataDir.resolve("tablespace_map"), map, StandardCharsets.UTF_8);
        }
        if (archive != null) {
            RestoreCommand.writeScript(dataDir);
        }
        AutoConf.rewrite(dataDir, settings, "walmgr: restored from backup " + b.name() + " at " + Instant.now());
        Path signal = dataDir.resolve(standby ? "standby.signal" : "recovery.signal");
        Files.write(signal, new byte[0]);
    }

    private static void emptyQuietly(Path dir) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                deleteTree(p);
            }
        } catch (IOException e) {
            LOG.warn("could not clean up the failed restore in {}: {}", dir, e.getMessage());
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.isDirectory(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
                for (Path p : ds) {
                    deleteTree(p);
                }
            }
        }
        Files.deleteIfExists(root);
    }

    private static void createDir(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            Files.createDirectories(d);
        }
        Files.setPosixFilePermissions(d, FileCopier.DIR_MODE);
    }

    private String describeTarget() {
        if (target instanceof RecoveryTarget.Latest) {
            return "all WAL";
        }
        return "target " + target.settings().values().iterator().next() + (inclusive ? " inclusive" : " exclusive")
               + ", then " + action.setting();
    }

    /** A libpq conninfo for logs: password=... masked. */
    static String maskConninfo(String conninfo) {
        String masked = conninfo.replaceAll("(?i)(password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'|\\S+)", "$1xxxxxx");
        return conninfo.startsWith("postgres") ? JdbcUrls.mask(masked) : masked;
    }
}
