package io.camelskytools.runtime.cli.walmgr;

import java.time.Duration;

import io.camelskytools.walmgr.standby.StandbyControl;
import io.camelskytools.walmgr.wal.Lsn;
import picocli.CommandLine.Command;

/** The standby (skytools.walmgr.standby.url): walmgr3's boot, pause and continue. */
final class StandbyCommands {

    private StandbyCommands() {
    }

    @Command(name = "boot", mixinStandardHelpOptions = true,
             description = "Promote the standby (skytools.walmgr.standby.url): it stops following and opens for writes.")
    static final class Boot extends WalmgrSubcommand {
        @Override
        int run() {
            standby().promote(Duration.ofSeconds(60));
            out().println("standby promoted: it accepts writes");
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause WAL replay on the standby.")
    static final class Pause extends WalmgrSubcommand {
        @Override
        int run() {
            StandbyControl standby = standby();
            standby.pause();
            out().println("replay paused at " + Lsn.format(standby.status().replayLsn()));
            return 0;
        }
    }

    @Command(name = "continue", mixinStandardHelpOptions = true, description = "Resume WAL replay on the standby.")
    static final class Continue extends WalmgrSubcommand {
        @Override
        int run() {
            standby().resume();
            out().println("replay resumed");
            return 0;
        }
    }
}
