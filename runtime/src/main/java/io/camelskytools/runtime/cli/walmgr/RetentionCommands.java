package io.camelskytools.runtime.cli.walmgr;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

import io.camelskytools.runtime.config.WalmgrConfig;
import io.camelskytools.walmgr.backup.BackupInfo;
import io.camelskytools.walmgr.backup.WalPurge;
import io.camelskytools.walmgr.server.ReplicationSlots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** What the archive keeps: old WAL purged, old backups rotated, leftovers of failures removed. */
final class RetentionCommands {

    private RetentionCommands() {
    }

    /** "3 archived WAL file(s) purged (with their checksums)": checksum files are not counted as WAL. */
    static String purged(List<String> gone) {
        long wal = gone.stream().filter(n -> !n.endsWith(".sha256")).count();
        return wal + " archived WAL file(s) purged" + (wal < gone.size() ? " (with their checksums)" : "");
    }

    @Command(name = "xpurgewals", mixinStandardHelpOptions = true,
             description = "Delete archived WAL older than the oldest backup's first segment.")
    static final class XPurgeWals extends WalmgrSubcommand {
        @Override
        int run() throws Exception {
            out().println(purged(new WalPurge(archive(), backups()).purge()));
            return 0;
        }
    }

    @Command(name = "xrotate", mixinStandardHelpOptions = true,
             description = "Delete the oldest backups beyond skytools.walmgr.keep-backups (or --keep).")
    static final class XRotate extends WalmgrSubcommand {
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

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
             description = "Remove what a failed backup left (directories without a manifest) and, with --drop-slot,"
                           + " the primary's replication slot.")
    static final class Cleanup extends WalmgrSubcommand {
        @Option(names = "--drop-slot", description = "Also drop the replication slot on the primary.")
        boolean dropSlot;

        @Override
        int run() throws Exception {
            for (Path p : backups().removeIncomplete()) {
                out().println("removed incomplete backup " + p.getFileName());
            }
            if (dropSlot) {
                try (Connection c = primary()) {
                    new ReplicationSlots(c).dropIfIdle(cfg.slot());
                    out().println("replication slot " + cfg.slot() + " dropped (if it was there and idle)");
                }
            }
            return 0;
        }
    }
}
