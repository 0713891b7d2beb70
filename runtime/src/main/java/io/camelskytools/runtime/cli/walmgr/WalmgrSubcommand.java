package io.camelskytools.runtime.cli.walmgr;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;

import io.camelskytools.jdbc.JdbcUrls;
import io.camelskytools.runtime.config.WalmgrConfig;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.backup.BackupStore;
import io.camelskytools.walmgr.backup.ServerConnector;
import io.camelskytools.walmgr.standby.StandbyControl;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Base of the walmgr subcommands: the config, the output, the archive and the servers it names. */
abstract class WalmgrSubcommand implements Callable<Integer> {

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

    /** The command itself; returns the exit code. */
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

    ServerConnector primaryServer() {
        return ServerConnector.of(cfg.primaryUrl(), cfg.primaryUser(), cfg.primaryPassword());
    }

    /** A connection to the primary; failing, the error names the key that gave its URL. */
    Connection primary() throws SQLException {
        try {
            return primaryServer().connect();
        } catch (SQLException e) {
            throw new SQLException("cannot connect to the primary (" + WalmgrConfig.PREFIX + "primary.url = "
                                   + JdbcUrls.mask(cfg.primaryUrl()) + "): " + e.getMessage(), e.getSQLState(), e);
        }
    }

    StandbyControl standby() {
        return new StandbyControl(ServerConnector.of(cfg.standbyUrl(), cfg.standbyUser(), cfg.standbyPassword()));
    }
}
