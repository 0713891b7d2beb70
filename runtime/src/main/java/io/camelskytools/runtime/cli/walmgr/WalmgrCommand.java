package io.camelskytools.runtime.cli.walmgr;

import io.camelskytools.runtime.cli.SkytoolsCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * walmgr3's commands on PostgreSQL 13+: {@code skytools walmgr --config FILE COMMAND}. The
 * skytools.walmgr.* keys of the config file replace wal-master.ini and wal-slave.ini. The
 * subcommands live in classes by what they deal with (the primary's setup, archiving,
 * backups, restore, the standby, status, retention); this list keeps walmgr3's order.
 */
@Command(name = "walmgr", mixinStandardHelpOptions = true,
         description = "WAL archiving, base backups, point-in-time restore and standbys (skytools.walmgr.* keys).",
         subcommands = {SetupCommands.Setup.class, SetupCommands.Stop.class, ArchiveCommands.Archive.class,
                        BackupCommands.Backup.class, BackupCommands.ListBackups.class, RestoreBackup.class,
                        StandbyCommands.Boot.class, StandbyCommands.Pause.class, StandbyCommands.Continue.class,
                        StatusCommands.Status.class, StatusCommands.Verify.class, ArchiveCommands.XArchiveCmd.class,
                        ArchiveCommands.XRestoreCmd.class, RetentionCommands.XPurgeWals.class,
                        RetentionCommands.XRotate.class, SetupCommands.SynchStandby.class, RetentionCommands.Cleanup.class})
public final class WalmgrCommand {

    @ParentCommand
    SkytoolsCli root;
}
