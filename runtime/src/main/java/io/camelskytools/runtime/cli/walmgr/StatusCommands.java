package io.camelskytools.runtime.cli.walmgr;

import java.io.IOException;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.camelskytools.runtime.cli.Output;
import io.camelskytools.runtime.config.WalmgrConfig;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.server.PrimaryStatus;
import io.camelskytools.walmgr.server.ReplicationSlot;
import io.camelskytools.walmgr.server.ReplicationSlots;
import io.camelskytools.walmgr.standby.StandbyException;
import io.camelskytools.walmgr.standby.StandbyStatus;
import io.camelskytools.walmgr.verify.ArchiveVerifier;
import io.camelskytools.walmgr.verify.VerifyReport;
import io.camelskytools.walmgr.wal.Lsn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** How the archive stands: against the primary and the standby (status), and in itself (verify). */
final class StatusCommands {

    private StatusCommands() {
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
             description = "Where the archive is, how far behind the primary (bytes and seconds), the slot, and the"
                           + " standby's replay when one is configured.")
    static final class Status extends WalmgrSubcommand {
        @Option(names = "--json", description = "JSON instead of lines.")
        boolean json;

        @Override
        int run() throws Exception {
            Map<String, Object> s = new LinkedHashMap<>();
            WalArchive archive = archive();
            s.put("archive", cfg.archive().toAbsolutePath().toString());
            try (Connection c = primary()) {
                primaryStatus(s, archive, PrimaryStatus.read(c));
                Optional<ReplicationSlot> slot = new ReplicationSlots(c).find(cfg.slot());
                s.put("slot", cfg.slot());
                s.put("slot_active", slot.map(ReplicationSlot::active).orElse(null));
                s.put("slot_restart_lsn", slot.filter(r -> r.restartLsn() >= 0).map(r -> Lsn.format(r.restartLsn()))
                        .orElse(null));
                s.put("slot_kept_bytes", slot.map(ReplicationSlot::keptBytes).orElse(null));
                s.put("slot_warning", slot.flatMap(ReplicationSlot::unreadWarning)
                        .map(w -> w + " (start skytools run or walmgr archive, or drop it: walmgr cleanup --drop-slot)")
                        .orElse(null));
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

        /** How far the archive is behind the primary, in bytes and in seconds since its last write. */
        private static void primaryStatus(Map<String, Object> s, WalArchive archive, PrimaryStatus primary)
                throws IOException {
            ArchivePosition pos = ArchivePosition.of(archive, primary.walSegmentSize());
            s.put("primary_lsn", Lsn.format(primary.currentLsn()));
            s.put("archived_lsn", pos.lsn() == 0 ? null : Lsn.format(pos.lsn()));
            s.put("last_segment", pos.lastSegment());
            s.put("partial_segment", pos.partialSegment());
            long lagBytes = pos.lsn() == 0 ? primary.currentLsn() : Math.max(0, primary.currentLsn() - pos.lsn());
            s.put("lag_bytes", lagBytes);
            s.put("lag_seconds", lagBytes == 0 || pos.lastWrite() == null ? 0
                    : Duration.between(pos.lastWrite(), Instant.now()).toSeconds());
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
    static final class Verify extends WalmgrSubcommand {
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
}
