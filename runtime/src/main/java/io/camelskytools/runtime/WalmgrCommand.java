package io.camelskytools.runtime;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.camelskytools.jdbc.JdbcUrls;
import io.camelskytools.jdbc.QueryRows;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.archive.XArchive;
import io.camelskytools.walmgr.backup.BackupInfo;
import io.camelskytools.walmgr.backup.BackupStore;
import io.camelskytools.walmgr.backup.BaseBackup;
import io.camelskytools.walmgr.backup.ServerConnector;
import io.camelskytools.walmgr.backup.WalPurge;
import io.camelskytools.walmgr.restore.RecoveryAction;
import io.camelskytools.walmgr.restore.RecoveryTarget;
import io.camelskytools.walmgr.restore.Restore;
import io.camelskytools.walmgr.restore.RestoreCommand;
import io.camelskytools.walmgr.restore.RestoredDatabase;
import io.camelskytools.walmgr.standby.StandbyControl;
import io.camelskytools.walmgr.standby.StandbyException;
import io.camelskytools.walmgr.standby.StandbyStatus;
import io.camelskytools.walmgr.stream.ArchiverSettings;
import io.camelskytools.walmgr.stream.StreamingArchiver;
import io.camelskytools.walmgr.stream.WalSource;
import io.camelskytools.walmgr.verify.ArchiveVerifier;
import io.camelskytools.walmgr.verify.VerifyReport;
import io.camelskytools.walmgr.wal.Lsn;
import io.camelskytools.walmgr.wal.WalSegment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * walmgr3's commands on PostgreSQL 13+: {@code skytools walmgr --config FILE COMMAND}. The
 * skytools.walmgr.* keys of the config file replace wal-master.ini and wal-slave.ini.
 */
@Command(name = "walmgr", mixinStandardHelpOptions = true,
         description = "WAL archiving, base backups, point-in-time restore and standbys (skytools.walmgr.* keys).",
         subcommands = {WalmgrCommand.Setup.class, WalmgrCommand.Stop.class, WalmgrCommand.Archive.class,
                        WalmgrCommand.Backup.class, WalmgrCommand.ListBackups.class, WalmgrCommand.RestoreCmd.class,
                        WalmgrCommand.Boot.class, WalmgrCommand.Pause.class, WalmgrCommand.Continue.class,
                        WalmgrCommand.Status.class, WalmgrCommand.Verify.class, WalmgrCommand.XArchiveCmd.class,
                        WalmgrCommand.XRestore.class, WalmgrCommand.XPurgeWals.class, WalmgrCommand.XRotate.class,
                        WalmgrCommand.SynchStandby.class, WalmgrCommand.Cleanup.class})
final class WalmgrCommand {

    @ParentCommand
    SkytoolsCli root;

    /** "3 archived WAL file(s) purged (with their checksums)": checksum files are not counted as WAL. */
    static String purged(List<String> gone) {
        long wal = gone.stream().filter(n -> !n.endsWith(".sha256")).count();
        return wal + " archived WAL file(s) purged" + (wal < gone.size() ? " (with their checksums)" : "");
    }

    /** Base of the subcommands: the config, the output, the archive. */
    abstract static class Sub implements Callable<Integer> {

        @ParentCommand
        WalmgrCommand walmgr;

        @Spec
        CommandSpec spec;

        WalmgrConfig cfg;

        @Override
        public Integer call() throws Exception {
            cfg = new WalmgrConfig(walmgr.root.config());
            return run();
        }

        abstract int run() throws Exception;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        WalArchive archive() {
            return WalArchive.open(cfg.archive());
        }

        BackupStore backups() {
            return BackupStore.in(archive());
        }

        Connection primary() throws SQLException {
            return connect("primary", cfg.primaryUrl(), cfg.primaryUser(), cfg.primaryPassword());
        }

        StandbyControl standby() {
            return new StandbyControl(ServerConnector.of(cfg.standbyUrl(), cfg.standbyUser(), cfg.standbyPassword()));
        }

        private static Connection connect(String role, String url, String user, String password) throws SQLException {
            try {
                return ServerConnector.of(url, user, password).connect();
            } catch (SQLException e) {
                throw new SQLException("cannot connect to the " + role + " (" + WalmgrConfig.PREFIX + role + ".url = "
                                       + JdbcUrls.mask(url) + "): " + e.getMessage(), e.getSQLState(), e);
            }
        }
    }

    @Command(name = "setup", mixinStandardHelpOptions = true,
             description = "Prepare the primary: wal_level, WAL senders, the replication slot (streaming) or"
                           + " archive_mode/archive_command (--archive-command); create the archive directories. Says"
                           + " when PostgreSQL must be restarted.")
    static final class Setup extends Sub {
        @Option(names = "--archive-command", description = "Also archive through archive_command (xarchive).")
        boolean archiveCommand;

        @Option(names = "--xarchive", paramLabel = "CMD",
                description = "The archive_command to set (default: this skytools jar's xarchive with this config).")
        String xarchive;

        @Override
        int run() throws Exception {
            // checked before anything changes
            String slot = cfg.slot();
            Path archive = cfg.archive().toAbsolutePath();
            Files.createDirectories(archive);
            // archive_command runs as the server's user: what we create belongs to whoever owns the archive
            java.nio.file.attribute.UserPrincipal owner = Files.getOwner(archive);
            for (String sub : List.of(WalArchive.WAL_DIR, BackupStore.DIR_IN_ARCHIVE)) {
                Path d = archive.resolve(sub);
                if (!Files.exists(d)) {
                    Files.createDirectories(d);
                    Files.setOwner(d, owner);
                }
            }
            WalArchive.open(archive);
            out().println("archive " + archive + " ready");
            try (Connection c = primary()) {
                c.setAutoCommit(true);
                requireSuperuser(c);
                Map<String, String> settings = new LinkedHashMap<>();
                if ("minimal".equals(setting(c, "wal_level"))) {
                    settings.put("wal_level", "replica");
                }
                if (Integer.parseInt(setting(c, "max_wal_senders")) < 3) {
                    settings.put("max_wal_senders", "10");
                }
                if (Integer.parseInt(setting(c, "max_replication_slots")) < 2) {
                    settings.put("max_replication_slots", "10");
                }
                if (archiveCommand) {
                    settings.put("archive_mode", "on");
                    settings.put("archive_command", xarchive != null ? xarchive : defaultXarchive());
                }
                for (Map.Entry<String, String> s : settings.entrySet()) {
                    // ALTER SYSTEM takes no bind parameters: the value is a quoted literal
                    c.createStatement().execute("alter system set " + s.getKey() + " = " + literal(s.getValue()));
                    out().println("set " + s.getKey() + " = " + s.getValue());
                }
                c.createStatement().execute("select pg_reload_conf()");
                if (!cfg.config().bool(WalmgrConfig.PREFIX + "stream", true)) {
                    // a slot nobody reads keeps WAL on the primary for ever: only for streaming setups
                    out().println("no replication slot (" + WalmgrConfig.PREFIX + "stream = false)");
                } else if (!QueryRows.list(c, "select 1 from pg_replication_slots where slot_name = ?", slot)
                        .isEmpty()) {
                    out().println("replication slot " + slot + " exists");
                } else if (!settings.containsKey("max_replication_slots") && !settings.containsKey("wal_level")) {
                    QueryRows.list(c, "select pg_create_physical_replication_slot(?, true)", slot);
                    out().println("replication slot " + slot + " created");
                }
                List<String> restart = pendingRestart(c, settings);
                if (!restart.isEmpty()) {
                    out().println("restart PostgreSQL to apply " + String.join(", ", restart)
                                  + ", then run setup again (it creates the slot)");
                } else {
                    out().println("primary ready");
                }
            }
            return 0;
        }

        private String defaultXarchive() throws Exception {
            Path jar = Path.of(SkytoolsCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String java = ProcessHandle.current().info().command().orElse("java");
            Path config = walmgr.root.config == null ? SkytoolsConfig.DEFAULT_FILE : walmgr.root.config;
            return RestoreCommand.shellQuote(java) + " -jar " + RestoreCommand.shellQuote(jar.toString())
                   + " walmgr --config " + RestoreCommand.shellQuote(config.toAbsolutePath().toString())
                   + " xarchive %p %f";
        }

        private static List<String> pendingRestart(Connection c, Map<String, String> changed) throws SQLException {
            List<String> names = new ArrayList<>();
            for (Map<String, Object> r : QueryRows.list(c, "select name from pg_settings where pending_restart")) {
                names.add((String) r.get("name"));
            }
            // pending_restart shows after the reload; a setting we just changed with context postmaster too
            for (String k : changed.keySet()) {
                if (!names.contains(k) && "postmaster".equals(QueryRows.list(c,
                        "select context from pg_settings where name = ?", k).get(0).get("context"))
                    && !changed.get(k).equals(setting(c, k))) {
                    names.add(k);
                }
            }
            return names;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
             description = "Stop archiving from the primary: archive_mode off, archive_command emptied and the"
                           + " replication slot dropped (unless --keep-slot), so the primary stops keeping WAL for us.")
    static final class Stop extends Sub {
        @Option(names = "--keep-slot", description = "Keep the replication slot.")
        boolean keepSlot;

        @Override
        int run() throws Exception {
            try (Connection c = primary()) {
                c.setAutoCommit(true);
                requireSuperuser(c);
                c.createStatement().execute("alter system set archive_mode = off");
                c.createStatement().execute("alter system set archive_command = ''");
                c.createStatement().execute("select pg_reload_conf()");
                out().println("archive_command emptied; archive_mode off after the next restart");
                if (!keepSlot) {
                    List<Map<String, Object>> slot = QueryRows.list(c,
                            "select active from pg_replication_slots where slot_name = ?", cfg.slot());
                    if (slot.isEmpty()) {
                        out().println("no replication slot " + cfg.slot());
                    } else if (Boolean.TRUE.equals(slot.get(0).get("active"))) {
                        throw new IllegalStateException("replication slot " + cfg.slot() + " is in use by a running"
                                                        + " archiver: stop it first (or use --keep-slot)");
                    } else {
                        QueryRows.list(c, "select pg_drop_replication_slot(?)", cfg.slot());
                        out().println("replication slot " + cfg.slot() + " dropped");
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "archive", mixinStandardHelpOptions = true,
             description = "Stream WAL from the primary into the archive until Ctrl-C (what `skytools run` does in"
                           + " the background when skytools.walmgr.* is configured).")
    static final class Archive extends Sub {
        @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this long (default: Ctrl-C).")
        int duration;

        @Override
        int run() throws Exception {
            ArchiverSettings settings = ArchiverSettings.defaults().withSlot(cfg.slot())
                    .withFlushInterval(cfg.flushInterval()).withCompress(cfg.compress());
            PrintWriter out = out();
            StreamingArchiver archiver = new StreamingArchiver(
                    WalSource.of(cfg.primaryUrl(), cfg.primaryUser(), cfg.primaryPassword()), archive(), settings,
                    (file, endLsn) -> {
                        out.println("archived " + file.path().getFileName() + " (up to " + Lsn.format(endLsn) + ")");
                        out.flush();
                    });
            CountDownLatch done = new CountDownLatch(1);
            archiver.onFailure(e -> done.countDown());
            Thread hook = new Thread(done::countDown, "walmgr-archive-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            out.println("streaming WAL from " + cfg.describePrimary() + " into " + cfg.archive() + " (slot "
                        + cfg.slot() + ")");
            out.flush();
            archiver.start();
            try {
                if (duration > 0) {
                    done.await(duration, java.util.concurrent.TimeUnit.SECONDS);
                } else {
                    done.await();
                }
            } finally {
                archiver.stop();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is what woke us
                }
            }
            if (archiver.failure() != null) {
                throw new IllegalStateException("archiver stopped: " + archiver.failure().getMessage(), archiver.failure());
            }
            out.println("stopped at " + Lsn.format(archiver.status().flushedLsn()));
            return 0;
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
             description = "Take a base backup of the primary into the archive (then keep only"
                           + " skytools.walmgr.keep-backups and purge the WAL they no longer need).")
    static final class Backup extends Sub {
        @Option(names = "--name", description = "Backup name (default: base_<UTC time>).")
        String name;

        @Option(names = "--label", description = "Label written into backup_label.")
        String label;

        @Option(names = "--spread", description = "Wait for a spread checkpoint instead of an immediate one.")
        boolean spread;

        @Override
        int run() throws Exception {
            PrintWriter out = out();
            BaseBackup backup = new BaseBackup(ServerConnector.of(cfg.primaryUrl(), cfg.primaryUser(),
                    cfg.primaryPassword()), backups()).fast(!spread)
                    .progress((b, copied, total) -> {
                        out.printf("backup %s: %d%% (%d of %d MB)%n", b, total == 0 ? 100 : copied * 100 / total,
                                copied >> 20, total >> 20);
                        out.flush();
                    });
            if (label != null) {
                backup.label(label);
            }
            if (cfg.primaryData() != null) {
                backup.dataDirectory(cfg.primaryData());
            }
            BackupInfo b = backup.take(name);
            out.println("backup " + b.describe());
            long walSize = b.manifest().walSegmentSize();
            if (Long.compareUnsigned(ArchivePosition.of(archive(), walSize).lsn(), b.manifest().stopLsn()) < 0) {
                // usual when the backup is taken before archiving starts: the slot keeps the WAL until then
                out.println("backup " + b.name() + " needs WAL up to " + Lsn.format(b.manifest().stopLsn()) + " (segment "
                            + b.manifest().stopSegment().fileName(walSize) + "), not in the archive yet: it can be"
                            + " restored once archiving (skytools run, walmgr archive or archive_command) gets there");
            }
            if (cfg.keepBackups() > 0) {
                for (BackupInfo removed : backups().rotate(cfg.keepBackups())) {
                    out.println("removed backup " + removed.name());
                }
                out.println(purged(new WalPurge(archive(), backups()).purge()));
            }
            return 0;
        }
    }

    @Command(name = "listbackups", mixinStandardHelpOptions = true, description = "List the complete backups.")
    static final class ListBackups extends Sub {
        @Option(names = "--json", description = "JSON instead of a table.")
        boolean json;

        @Override
        int run() throws Exception {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (BackupInfo b : backups().list()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("name", b.name());
                r.put("label", b.label());
                r.put("start_time", b.startTime().toString());
                r.put("start_lsn", Lsn.format(b.startLsn()));
                r.put("first_wal", b.startSegment());
                r.put("size_mb", b.sizeBytes() >> 20);
                rows.add(r);
            }
            Output.print(out(), rows, json);
            return 0;
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
             description = "Restore a backup (default: the newest that fits the target) into a new data directory,"
                           + " set up to recover from the archive: to the end (default), a time, an LSN or a restore"
                           + " point, or as a standby.")
    static final class RestoreCmd extends Sub {
        @Parameters(index = "0", arity = "0..1", paramLabel = "BACKUP",
                    description = "Backup name (listbackups). Alone and with a / in it: DIR.")
        String backup;

        @Parameters(index = "1", arity = "0..1", paramLabel = "DIR",
                    description = "New data directory (default: skytools.walmgr.standby.data).")
        Path target;

        @Option(names = "--time", paramLabel = "ISO-8601", description = "Recover to this time (2026-11-25T10:00:00Z).")
        String time;

        @Option(names = "--lsn", description = "Recover to this LSN (0/3000060).")
        String lsn;

        @Option(names = "--restore-point", paramLabel = "NAME", description = "Recover to a pg_create_restore_point.")
        String restorePoint;

        @Option(names = "--immediate", description = "Stop as soon as the backup is consistent.")
        boolean immediate;

        @Option(names = "--exclusive", description = "Stop just before the target instead of just after.")
        boolean exclusive;

        @Option(names = "--action", description = "At the target: promote (default), pause or shutdown.")
        RecoveryAction action;

        @Option(names = "--standby", description = "Start as a standby that keeps following the archive.")
        boolean standby;

        @Option(names = "--primary-conninfo", paramLabel = "CONNINFO",
                description = "A standby also streams from this primary (libpq conninfo).")
        String primaryConninfo;

        @Option(names = "--primary-slot", paramLabel = "SLOT", description = "Replication slot for that streaming.")
        String primarySlot;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "More settings for the restored server"
                                                                         + " (port=5433 ...).")
        Map<String, String> settings = new LinkedHashMap<>();

        @Override
        int run() throws Exception {
            if (target == null && backup != null && backup.indexOf('/') >= 0) {
                // backup names never hold a '/': "restore /var/lib/pitr --time ..." means DIR
                target = Path.of(backup);
                backup = null;
            }
            Path dir = target != null ? target : cfg.standbyData();
            if (dir == null) {
                throw new SkytoolsConfig.ConfigException("no target directory: give DIR or set "
                                                         + WalmgrConfig.PREFIX + "standby.data");
            }
            Restore r = new Restore(backups()).archive(archive()).target(target()).inclusive(!exclusive)
                    .standby(standby);
            if (backup != null) {
                r.backup(backup);
            }
            if (action != null) {
                r.action(action);
            }
            if (primaryConninfo != null) {
                r.primaryConninfo(primaryConninfo);
            }
            if (primarySlot != null) {
                r.primarySlot(primarySlot);
            }
            settings.forEach(r::setting);
            RestoredDatabase db = r.into(dir);
            out().println("restored backup " + db.backup().name() + " into " + db.dataDir()
                          + (db.standby() ? " as a standby" : " for recovery"));
            db.settings().forEach((k, v) -> out().println("  " + k + " = " + (k.equals("primary_conninfo")
                    ? v.replaceAll("password=\\S+", "password=xxxxxx") : v)));
            if (!db.configFiles().isEmpty()) {
                out().println("  the primary's config files from outside its data directory: "
                              + String.join(", ", db.configFiles()));
            }
            // restore gave the files to postgres when run as root; the server must run as their owner
            boolean root = "root".equals(System.getProperty("user.name"));
            int major = db.backup().manifest().serverVersion() / 10000;
            out().println("start it with: " + (root ? "runuser -u postgres -- " : "") + "pg_ctl -D " + db.dataDir()
                          + " -l LOGFILE start   (pg_ctl of PostgreSQL " + major + "; on Debian /usr/lib/postgresql/"
                          + major + "/bin/pg_ctl)");
            return 0;
        }

        private RecoveryTarget target() {
            int given = (time != null ? 1 : 0) + (lsn != null ? 1 : 0) + (restorePoint != null ? 1 : 0)
                        + (immediate ? 1 : 0);
            if (given > 1) {
                throw new IllegalArgumentException("give at most one of --time, --lsn, --restore-point, --immediate");
            }
            if (time != null) {
                try {
                    return RecoveryTarget.time(OffsetDateTime.parse(time).toInstant());
                } catch (DateTimeParseException e) {
                    try {
                        return RecoveryTarget.time(Instant.parse(time));
                    } catch (DateTimeParseException e2) {
                        throw new IllegalArgumentException("--time must be an ISO-8601 time with its offset"
                                                           + " (2026-11-25T10:00:00Z), not '" + time + "'");
                    }
                }
            }
            if (lsn != null) {
                try {
                    return RecoveryTarget.lsn(Lsn.parse(lsn));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("--lsn must look like 0/3000060, not '" + lsn + "'");
                }
            }
            if (restorePoint != null) {
                return RecoveryTarget.name(restorePoint);
            }
            return immediate ? RecoveryTarget.immediate() : RecoveryTarget.latest();
        }
    }

    @Command(name = "boot", mixinStandardHelpOptions = true,
             description = "Promote the standby (skytools.walmgr.standby.url): it stops following and opens for writes.")
    static final class Boot extends Sub {
        @Override
        int run() {
            standby().promote(Duration.ofSeconds(60));
            out().println("standby promoted: it accepts writes");
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause WAL replay on the standby.")
    static final class Pause extends Sub {
        @Override
        int run() {
            StandbyControl standby = standby();
            standby.pause();
            out().println("replay paused at " + Lsn.format(standby.status().replayLsn()));
            return 0;
        }
    }

    @Command(name = "continue", mixinStandardHelpOptions = true, description = "Resume WAL replay on the standby.")
    static final class Continue extends Sub {
        @Override
        int run() {
            standby().resume();
            out().println("replay resumed");
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
             description = "Where the archive is, how far behind the primary (bytes and seconds), the slot, and the"
                           + " standby's replay when one is configured.")
    static final class Status extends Sub {
        @Option(names = "--json", description = "JSON instead of lines.")
        boolean json;

        @Override
        int run() throws Exception {
            Map<String, Object> s = new LinkedHashMap<>();
            WalArchive archive = archive();
            s.put("archive", cfg.archive().toAbsolutePath().toString());
            try (Connection c = primary()) {
                Map<String, Object> p = QueryRows.list(c, "select pg_current_wal_lsn()::text as lsn,"
                        + " pg_size_bytes(current_setting('wal_segment_size')) as segsize,"
                        + " (select timeline_id from pg_control_checkpoint()) as tli").get(0);
                long segSize = ((Number) p.get("segsize")).longValue();
                long primaryLsn = Lsn.parse((String) p.get("lsn"));
                ArchivePosition pos = ArchivePosition.of(archive, segSize);
                s.put("primary_lsn", p.get("lsn"));
                s.put("archived_lsn", pos.lsn() == 0 ? null : Lsn.format(pos.lsn()));
                s.put("last_segment", pos.lastSegment());
                s.put("partial_segment", pos.partialSegment());
                long lagBytes = pos.lsn() == 0 ? primaryLsn : Math.max(0, primaryLsn - pos.lsn());
                s.put("lag_bytes", lagBytes);
                s.put("lag_seconds", lagBytes == 0 || pos.lastWrite() == null ? 0
                        : Duration.between(pos.lastWrite(), Instant.now()).toSeconds());
                List<Map<String, Object>> slot = QueryRows.list(c, "select active, restart_lsn::text as restart_lsn"
                        + " from pg_replication_slots where slot_name = ?", cfg.slot());
                s.put("slot", cfg.slot());
                s.put("slot_active", slot.isEmpty() ? null : slot.get(0).get("active"));
                s.put("slot_restart_lsn", slot.isEmpty() ? null : slot.get(0).get("restart_lsn"));
            }
            s.put("backups", backups().list().size());
            if (cfg.config().get(WalmgrConfig.PREFIX + "standby.url") != null) {
                standbyStatus(s);
            }
            if (json) {
                Output.print(out(), List.of(s), true);
            } else {
                s.forEach((k, v) -> out().println(k + ": " + (v == null ? "" : v)));
            }
            return 0;
        }

        /** A standby that is down or promoted is part of the answer, not a failure of status. */
        private void standbyStatus(Map<String, Object> s) {
            StandbyStatus r;
            try {
                r = standby().status();
            } catch (StandbyException e) {
                s.put("standby", "unreachable: " + e.getMessage());
                return;
            }
            if (!r.inRecovery()) {
                s.put("standby", "promoted (not in recovery)");
                return;
            }
            s.put("standby", r.paused() ? "replay paused" : "replaying");
            s.put("standby_replay_lsn", r.replayLsn() < 0 ? null : Lsn.format(r.replayLsn()));
            s.put("standby_replay_lag_seconds", r.replayLag() == null ? null : r.replayLag().toSeconds());
            s.put("standby_wal_receiver", r.walReceiver() != null ? r.walReceiver()
                    : "none (follows the archive only, or cannot reach its primary: see its log)");
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
             description = "Check that every WAL segment since a backup (default: the oldest in the archive) is there"
                           + " and matches its checksum. Exit 1 when one is missing or corrupted.")
    static final class Verify extends Sub {
        @Option(names = "--backup", description = "Start at this backup's first WAL segment.")
        String backup;

        @Option(names = "--from", paramLabel = "SEGMENT", description = "Start at this segment.")
        String from;

        @Override
        int run() throws Exception {
            ArchiveVerifier verifier = new ArchiveVerifier(archive());
            String start = from != null ? from : backup != null ? backups().get(backup).startSegment() : null;
            VerifyReport report = start == null ? verifier.verify() : verifier.verify(start, null);
            out().println(report.summary());
            return report.ok() ? 0 : 1;
        }
    }

    @Command(name = "xarchive", mixinStandardHelpOptions = true,
             description = "archive_command: store %%p as %%f in the archive; exit 0 only once it is durable.")
    static final class XArchiveCmd extends Sub {
        @Parameters(index = "0", paramLabel = "PATH")
        String path;

        @Parameters(index = "1", paramLabel = "NAME")
        String name;

        @Override
        int run() {
            return XArchive.run(cfg.archive(), cfg.compress(), path, name);
        }
    }

    @Command(name = "xrestore", mixinStandardHelpOptions = true,
             description = "restore_command: copy %%f from the archive to %%p (the streamed partial segment, padded,"
                           + " when the segment is not complete yet); exit 1 when the archive does not have it.")
    static final class XRestore extends Sub {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "PATH")
        Path dest;

        @Option(names = "--no-partial", description = "Do not hand out partial segments.")
        boolean noPartial;

        @Override
        int run() throws Exception {
            WalArchive archive = archive();
            Optional<Path> stored = archive.find(name);
            Path tmp = dest.resolveSibling(dest.getFileName() + ".walmgr-tmp");
            if (stored.isPresent()) {
                try (InputStream in = archive.openContent(stored.get())) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
            } else if (!noPartial && WalSegment.isSegmentName(name) && Files.isRegularFile(archive.partialPath(name))) {
                Files.copy(archive.partialPath(name), tmp, StandardCopyOption.REPLACE_EXISTING);
                // recovery refuses a short segment; zeros end replay where the archive ends
                try (RandomAccessFile f = new RandomAccessFile(tmp.toFile(), "rw")) {
                    f.setLength(segmentSize(archive));
                }
            } else {
                return 1;
            }
            Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return 0;
        }

        private static long segmentSize(WalArchive archive) throws Exception {
            for (String n : archive.fileNames()) {
                Optional<Path> p = WalSegment.isSegmentName(n) ? archive.find(n) : Optional.empty();
                if (p.isPresent() && !p.get().toString().endsWith(WalArchive.GZ_SUFFIX)) {
                    return Files.size(p.get());
                }
            }
            return ArchiveVerifier.DEFAULT_SEGMENT_SIZE;
        }
    }

    @Command(name = "xpurgewals", mixinStandardHelpOptions = true,
             description = "Delete archived WAL older than the oldest backup's first segment.")
    static final class XPurgeWals extends Sub {
        @Override
        int run() throws Exception {
            out().println(purged(new WalPurge(archive(), backups()).purge()));
            return 0;
        }
    }

    @Command(name = "xrotate", mixinStandardHelpOptions = true,
             description = "Delete the oldest backups beyond skytools.walmgr.keep-backups (or --keep).")
    static final class XRotate extends Sub {
        @Option(names = "--keep", description = "Backups to keep (default: skytools.walmgr.keep-backups).")
        Integer keep;

        @Override
        int run() throws Exception {
            int n = keep != null ? keep : cfg.keepBackups();
            if (n < 1) {
                throw new IllegalArgumentException("nothing to rotate: set " + WalmgrConfig.PREFIX
                                                   + "keep-backups or --keep to 1 or more");
            }
            List<BackupInfo> removed = backups().rotate(n);
            removed.forEach(b -> out().println("removed backup " + b.name()));
            out().println(backups().list().size() + " backup(s) kept");
            return 0;
        }
    }

    @Command(name = "synch-standby", mixinStandardHelpOptions = true,
             description = "Set synchronous_standby_names on the primary after checking that such a standby is"
                           + " connected ('*': any; '': back to asynchronous).")
    static final class SynchStandby extends Sub {
        @Parameters(paramLabel = "NAMES")
        String names;

        @Override
        int run() throws Exception {
            try (Connection c = primary()) {
                c.setAutoCommit(true);
                requireSuperuser(c);
                if (!names.isBlank()) {
                    List<String> connected = new ArrayList<>();
                    for (Map<String, Object> r : QueryRows.list(c, "select application_name from pg_stat_replication"
                            + " where state = 'streaming'")) {
                        connected.add((String) r.get("application_name"));
                    }
                    boolean any = names.strip().equals("*") ? !connected.isEmpty()
                            : connected.stream().anyMatch(n -> List.of(names.split("\\s*,\\s*")).contains(n));
                    if (!any) {
                        throw new IllegalStateException("no standby named " + names + " is streaming from the primary"
                                                        + " (connected: " + connected + "): commits would wait for it");
                    }
                }
                c.createStatement().execute("alter system set synchronous_standby_names = " + literal(names));
                c.createStatement().execute("select pg_reload_conf()");
                out().println(names.isBlank() ? "synchronous replication off" : "synchronous_standby_names = " + names);
            }
            return 0;
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
             description = "Remove what a failed backup left (directories without a manifest) and, with --drop-slot,"
                           + " the primary's replication slot.")
    static final class Cleanup extends Sub {
        @Option(names = "--drop-slot", description = "Also drop the replication slot on the primary.")
        boolean dropSlot;

        @Override
        int run() throws Exception {
            for (Path p : backups().removeIncomplete()) {
                out().println("removed incomplete backup " + p.getFileName());
            }
            if (dropSlot) {
                try (Connection c = primary()) {
                    QueryRows.list(c, "select pg_drop_replication_slot(slot_name) from pg_replication_slots"
                            + " where slot_name = ? and not active", cfg.slot());
                    out().println("replication slot " + cfg.slot() + " dropped (if it was there and idle)");
                }
            }
            return 0;
        }
    }

    static String setting(Connection c, String name) throws SQLException {
        return (String) QueryRows.list(c, "select current_setting(?) as v", name).get(0).get("v");
    }

    static void requireSuperuser(Connection c) throws SQLException {
        if (!"on".equals(setting(c, "is_superuser"))) {
            throw new IllegalStateException("role " + setting(c, "session_authorization")
                                            + " is not a superuser: it cannot change the server's settings");
        }
    }

    static String literal(String v) {
        return "'" + v.replace("'", "''") + "'";
    }
}
