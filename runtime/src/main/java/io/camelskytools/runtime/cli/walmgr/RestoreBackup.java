package io.camelskytools.runtime.cli.walmgr;

import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.camelskytools.runtime.config.SkytoolsConfig;
import io.camelskytools.runtime.config.WalmgrConfig;
import io.camelskytools.walmgr.restore.RecoveryAction;
import io.camelskytools.walmgr.restore.RecoveryTarget;
import io.camelskytools.walmgr.restore.Restore;
import io.camelskytools.walmgr.restore.RestoredDatabase;
import io.camelskytools.walmgr.wal.Lsn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** walmgr3's restore: a backup into a new data directory that recovers from the archive, or follows it as a standby. */
@Command(name = "restore", mixinStandardHelpOptions = true,
         description = "Restore a backup (default: the newest that fits the target) into a new data directory,"
                       + " set up to recover from the archive: to the end (default), a time, an LSN or a restore"
                       + " point, or as a standby.")
final class RestoreBackup extends WalmgrSubcommand {
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

    @Option(names = "--allow-gap", description = "Let recovery end and promote at a damaged or missing WAL segment"
                                                 + " although later WAL exists (default: restore refuses, and"
                                                 + " recovery stops there).")
    boolean allowGap;

    @Option(names = "--wal-copy", paramLabel = "DIR", description = "A directory with copies of the archived WAL"
                                                                    + " files, where a good copy of a damaged segment"
                                                                    + " is taken from (repeatable; adds to "
                                                                    + WalmgrConfig.PREFIX + "wal-copies).")
    List<Path> walCopies = new ArrayList<>();

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
                .standby(standby).allowGap(allowGap);
        List<Path> copies = new ArrayList<>(cfg.walCopies());
        copies.addAll(walCopies);
        r.walCopies(copies);
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
        for (String p : db.walProblems()) {
            out().println("  warning: " + p + "; recovery stops there if it needs it");
        }
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
