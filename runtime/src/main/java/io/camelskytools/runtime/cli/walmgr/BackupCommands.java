package io.camelskytools.runtime.cli.walmgr;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.camelskytools.runtime.cli.Output;
import io.camelskytools.walmgr.backup.BackupInfo;
import io.camelskytools.walmgr.backup.BaseBackup;
import io.camelskytools.walmgr.backup.WalPurge;
import io.camelskytools.walmgr.wal.Lsn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Base backups of the primary into the archive, and the list of them. */
final class BackupCommands {

    private BackupCommands() {
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
             description = "Take a base backup of the primary into the archive (then keep only"
                           + " skytools.walmgr.keep-backups and purge the WAL they no longer need).")
    static final class Backup extends WalmgrSubcommand {
        @Option(names = "--name", description = "Backup name (default: base_<UTC time>).")
        String name;

        @Option(names = "--label", description = "Label written into backup_label.")
        String label;

        @Option(names = "--spread", description = "Wait for a spread checkpoint instead of an immediate one.")
        boolean spread;

        @Option(names = "--archive-timeout", paramLabel = "SECONDS",
                description = "With archive_mode on: how long to wait for archive_command to archive the backup's"
                              + " last WAL segment before giving up (default: 300).")
        int archiveTimeout = 300;

        @Override
        int run() throws Exception {
            PrintWriter out = out();
            BaseBackup backup = new BaseBackup(primaryServer(), backups()).fast(!spread)
                    .progress((b, copied, total) -> {
                        out.printf("backup %s: %d%% (%d of %d MB)%n", b, total == 0 ? 100 : copied * 100 / total,
                                copied >> 20, total >> 20);
                        out.flush();
                    })
                    .archiveTimeout(Duration.ofSeconds(archiveTimeout))
                    .waiting(line -> {
                        out.println(line);
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
                out.println(RetentionCommands.purged(new WalPurge(archive(), backups()).purge()));
            }
            return 0;
        }
    }

    @Command(name = "listbackups", mixinStandardHelpOptions = true, description = "List the complete backups.")
    static final class ListBackups extends WalmgrSubcommand {
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
}
