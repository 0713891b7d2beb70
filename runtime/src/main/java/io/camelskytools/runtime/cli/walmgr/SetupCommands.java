package io.camelskytools.runtime.cli.walmgr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.camelskytools.runtime.cli.SkytoolsCli;
import io.camelskytools.runtime.config.SkytoolsConfig;
import io.camelskytools.runtime.config.WalmgrConfig;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.backup.BackupStore;
import io.camelskytools.walmgr.restore.RestoreCommand;
import io.camelskytools.walmgr.server.PrimarySetup;
import io.camelskytools.walmgr.server.ReplicationSlot;
import io.camelskytools.walmgr.server.ReplicationSlots;
import io.camelskytools.walmgr.server.ServerSettings;
import io.camelskytools.walmgr.server.WalSenders;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The primary's side of walmgr: setting it up for archiving, undoing that, and synchronous standbys. */
final class SetupCommands {

    private SetupCommands() {
    }

    /** The primary's settings, once it is sure this role may change them (ALTER SYSTEM runs outside a transaction). */
    private static ServerSettings settingsAsSuperuser(Connection c) throws SQLException {
        c.setAutoCommit(true);
        ServerSettings server = new ServerSettings(c);
        server.requireSuperuser();
        return server;
    }

    @Command(name = "setup", mixinStandardHelpOptions = true,
             description = "Prepare the primary: wal_level, WAL senders, the replication slot (streaming) or"
                           + " archive_mode/archive_command (--archive-command); create the archive directories. Says"
                           + " when PostgreSQL must be restarted.")
    static final class Setup extends WalmgrSubcommand {
        @Option(names = "--archive-command", description = "Also archive through archive_command (xarchive).")
        boolean archiveCommand;

        @Option(names = "--xarchive", paramLabel = "CMD",
                description = "The archive_command to set (default: this skytools jar's xarchive with this config).")
        String xarchive;

        @Override
        int run() throws Exception {
            // checked before anything changes
            String slot = cfg.slot();
            Path archive = createArchive();
            out().println("archive " + archive + " ready");
            try (Connection c = primary()) {
                ServerSettings server = settingsAsSuperuser(c);
                Map<String, String> changes = PrimarySetup.changesNeeded(server,
                        !archiveCommand ? null : xarchive != null ? xarchive : defaultXarchive());
                for (Map.Entry<String, String> s : changes.entrySet()) {
                    server.alterSystem(s.getKey(), s.getValue());
                    out().println("set " + s.getKey() + " = " + s.getValue());
                }
                server.reload();
                ReplicationSlots slots = new ReplicationSlots(c);
                if (!cfg.config().bool(WalmgrConfig.PREFIX + "stream", true)) {
                    // a slot nobody reads keeps WAL on the primary for ever: only for streaming setups
                    out().println("no replication slot (" + WalmgrConfig.PREFIX + "stream = false)");
                } else if (slots.find(slot).isPresent()) {
                    out().println("replication slot " + slot + " exists");
                } else if (!PrimarySetup.slotNeedsRestart(changes)) {
                    slots.createPhysical(slot);
                    out().println("replication slot " + slot + " created");
                }
                List<String> restart = server.pendingRestart(changes);
                if (!restart.isEmpty()) {
                    out().println("restart PostgreSQL to apply " + String.join(", ", restart)
                                  + ", then run setup again (it creates the slot)");
                } else {
                    out().println("primary ready");
                }
            }
            return 0;
        }

        /** The archive and its directories; archive_command runs as the server's user, so they go to the archive's owner. */
        private Path createArchive() throws IOException {
            Path archive = cfg.archive().toAbsolutePath();
            Files.createDirectories(archive);
            UserPrincipal owner = Files.getOwner(archive);
            for (String sub : List.of(WalArchive.WAL_DIR, BackupStore.DIR_IN_ARCHIVE)) {
                Path d = archive.resolve(sub);
                if (!Files.exists(d)) {
                    Files.createDirectories(d);
                    Files.setOwner(d, owner);
                }
            }
            WalArchive.open(archive);
            return archive;
        }

        private String defaultXarchive() throws Exception {
            Path jar = Path.of(SkytoolsCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String java = ProcessHandle.current().info().command().orElse("java");
            Path config = walmgr.root.configFile() == null ? SkytoolsConfig.DEFAULT_FILE : walmgr.root.configFile();
            return RestoreCommand.shellQuote(java) + " -jar " + RestoreCommand.shellQuote(jar.toString())
                   + " walmgr --config " + RestoreCommand.shellQuote(config.toAbsolutePath().toString())
                   + " xarchive %p %f";
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
             description = "Stop archiving from the primary: archive_mode off, archive_command emptied and the"
                           + " replication slot dropped (unless --keep-slot), so the primary stops keeping WAL for us.")
    static final class Stop extends WalmgrSubcommand {
        @Option(names = "--keep-slot", description = "Keep the replication slot.")
        boolean keepSlot;

        @Override
        int run() throws Exception {
            try (Connection c = primary()) {
                ServerSettings server = settingsAsSuperuser(c);
                server.alterSystem("archive_mode", "off");
                server.alterSystem("archive_command", "");
                server.reload();
                out().println("archive_command emptied; archive_mode off after the next restart");
                if (!keepSlot) {
                    dropSlot(new ReplicationSlots(c));
                }
            }
            return 0;
        }

        private void dropSlot(ReplicationSlots slots) throws Exception {
            Optional<ReplicationSlot> slot = slots.find(cfg.slot());
            if (slot.isEmpty()) {
                out().println("no replication slot " + cfg.slot());
            } else if (slot.get().active()) {
                throw new IllegalStateException("replication slot " + cfg.slot() + " is in use by a running"
                                                + " archiver: stop it first (or use --keep-slot)");
            } else {
                slots.drop(cfg.slot());
                out().println("replication slot " + cfg.slot() + " dropped");
            }
        }
    }

    @Command(name = "synch-standby", mixinStandardHelpOptions = true,
             description = "Set synchronous_standby_names on the primary after checking that such a standby is"
                           + " connected ('*': any; '': back to asynchronous).")
    static final class SynchStandby extends WalmgrSubcommand {
        @Parameters(paramLabel = "NAMES")
        String names;

        @Override
        int run() throws Exception {
            try (Connection c = primary()) {
                ServerSettings server = settingsAsSuperuser(c);
                if (!names.isBlank()) {
                    requireStreaming(WalSenders.streaming(c));
                }
                server.alterSystem("synchronous_standby_names", names);
                server.reload();
                out().println(names.isBlank() ? "synchronous replication off" : "synchronous_standby_names = " + names);
            }
            return 0;
        }

        /** Commits would wait for ever on a synchronous standby that is not there. */
        private void requireStreaming(List<String> connected) {
            boolean any = names.strip().equals("*") ? !connected.isEmpty()
                    : connected.stream().anyMatch(n -> List.of(names.split("\\s*,\\s*")).contains(n));
            if (!any) {
                throw new IllegalStateException("no standby named " + names + " is streaming from the primary"
                                                + " (connected: " + connected + "): commits would wait for it");
            }
        }
    }
}
