package io.camelskytools.runtime.cli.walmgr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.camelskytools.runtime.config.WalmgrConfig;
import io.camelskytools.walmgr.archive.ArchiveCommand;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.backup.BackupStore;
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

        @Option(names = "--stream", description = "With --archive-command: stream too (the replication slot).")
        boolean stream;

        @Option(names = "--xarchive", paramLabel = "CMD",
                description = "The archive_command to set (default: this skytools jar's xarchive for this archive).")
        String xarchive;

        @Override
        int run() throws Exception {
            // checked before anything changes
            String slot = cfg.slot();
            try (Connection c = primary()) {
                ServerSettings server = settingsAsSuperuser(c);
                Optional<UserPrincipal> serverUser = serverUser(c);
                Path archive = createArchive(archiveCommand ? serverUser : Optional.empty());
                out().println("archive " + archive + " ready");
                String command = null;
                if (archiveCommand) {
                    command = xarchive;
                    if (xarchive == null) {
                        WalArchive a = WalArchive.open(archive);
                        out().println("archive_command script " + ArchiveCommand.install(a) + " written");
                        checkRunsAs(serverUser, a);
                        command = ArchiveCommand.build(a, cfg.compress());
                    }
                }
                Map<String, String> changes = PrimarySetup.changesNeeded(server, command);
                for (Map.Entry<String, String> s : changes.entrySet()) {
                    server.alterSystem(s.getKey(), s.getValue());
                    out().println("set " + s.getKey() + " = " + s.getValue());
                }
                server.reload();
                ReplicationSlots slots = new ReplicationSlots(c);
                Optional<ReplicationSlot> existing = slots.find(slot);
                boolean slotWaitsForRestart = false;
                // a slot nobody reads keeps WAL on the primary for ever: only where streaming reads it
                if (archiveCommand && !stream) {
                    out().println("no replication slot (archive_command only; --stream for both)");
                    existing.flatMap(ReplicationSlot::unreadWarning).ifPresent(w -> out().println(
                            "warning: " + w + "; archive_command does not need it: walmgr cleanup --drop-slot"));
                } else if (!cfg.config().bool(WalmgrConfig.PREFIX + "stream", true)) {
                    out().println("no replication slot (" + WalmgrConfig.PREFIX + "stream = false)");
                    existing.flatMap(ReplicationSlot::unreadWarning).ifPresent(w -> out().println(
                            "warning: " + w + "; nothing will stream from it: walmgr cleanup --drop-slot"));
                } else if (existing.isPresent()) {
                    out().println("replication slot " + slot + " exists"
                                  + existing.flatMap(ReplicationSlot::unreadWarning)
                                          .map(w -> "; " + w + " until skytools run streams from it").orElse(""));
                } else if (!PrimarySetup.slotNeedsRestart(changes)) {
                    slots.createPhysical(slot);
                    out().println("replication slot " + slot + " created (skytools run streams from it)");
                } else {
                    slotWaitsForRestart = true;
                }
                List<String> restart = server.pendingRestart(changes);
                if (!restart.isEmpty()) {
                    out().println("restart PostgreSQL to apply " + String.join(", ", restart) + ", then run setup"
                                  + " again (" + (slotWaitsForRestart ? "it creates the slot" : "it checks") + ")");
                } else {
                    out().println("primary ready");
                }
            }
            return 0;
        }

        /**
         * The archive and its directories. archive_command runs as the server's OS user: with it, a new
         * archive directory is made theirs; wal/ and backups/ go to the archive directory's owner.
         */
        private Path createArchive(Optional<UserPrincipal> archiveCommandUser) throws IOException {
            Path archive = cfg.archive().toAbsolutePath();
            if (!Files.exists(archive)) {
                Files.createDirectories(archive);
                if (archiveCommandUser.isPresent()) {
                    Files.setOwner(archive, archiveCommandUser.get());
                }
            }
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

        /** The OS user PostgreSQL runs as: the owner of its data directory, when this host sees it. */
        private Optional<UserPrincipal> serverUser(Connection c) throws SQLException, IOException {
            Path data = cfg.primaryData();
            if (data == null) {
                try (var st = c.createStatement(); var rs = st.executeQuery("select current_setting('data_directory')")) {
                    rs.next();
                    data = Path.of(rs.getString(1));
                }
            }
            return Files.isDirectory(data) ? Optional.of(Files.getOwner(data)) : Optional.empty();
        }

        /**
         * archive_command runs as the server's user, who must be able to write the archive: tried
         * now, as them, rather than found out from the server log after the restart.
         */
        private void checkRunsAs(Optional<UserPrincipal> user, WalArchive archive) throws Exception {
            String me = System.getProperty("user.name");
            if (user.isEmpty() || (!user.get().getName().equals(me) && !"root".equals(me))) {
                out().println("archive_command not tried: run setup on the server's host as root or as its user");
                return;
            }
            List<String> cmd = new ArrayList<>();
            if (!user.get().getName().equals(me)) {
                cmd.addAll(List.of("runuser", "-u", user.get().getName(), "--"));
            }
            cmd.addAll(List.of("/bin/sh", archive.root().resolve(ArchiveCommand.SCRIPT).toString(), "--check"));
            Process p = new ProcessBuilder(cmd).directory(new java.io.File("/")).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("archive_command check as " + user.get().getName() + " did not finish"
                                                + " in 60 s: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("archive_command would fail: run as " + user.get().getName()
                                                + " (PostgreSQL's OS user), " + String.join(" ", cmd) + " exits "
                                                + p.exitValue() + ": " + output + ". That user must be able to read "
                                                + archive.root() + " (and every directory above it) and write "
                                                + archive.walDir());
            }
            out().println("archive_command tried as " + user.get().getName() + ": " + output);
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
