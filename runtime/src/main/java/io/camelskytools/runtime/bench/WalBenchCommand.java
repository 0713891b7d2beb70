package io.camelskytools.runtime.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.camelskytools.jdbc.JdbcUrls;
import io.camelskytools.runtime.config.Connections;
import io.camelskytools.runtime.config.SkytoolsConfig;
import io.camelskytools.runtime.config.WalmgrConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code skytools bench walmgr}: the streaming archiver against pg_receivewal on one server. */
@Command(name = "walmgr", mixinStandardHelpOptions = true,
         description = "Measure WAL archive throughput and recovery-point lag against pg_receivewal on the same server"
                       + " (needs a superuser or REPLICATION role and pg_receivewal).")
final class WalBenchCommand implements Callable<Integer> {

    @ParentCommand
    BenchCommand bench;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "JDBC-URL",
            description = "The server (default: skytools.walmgr.primary.url). It needs wal_level replica and three free"
                          + " WAL senders and slots.")
    String url;

    @Option(names = "--pg-bin", paramLabel = "DIR", defaultValue = "/usr/lib/postgresql/15/bin",
            description = "Where pg_receivewal is (default ${DEFAULT-VALUE}).")
    Path pgBin;

    @Option(names = "--wal-mb", defaultValue = "512", description = "WAL backlog for the throughput measure"
                                                                     + " (default ${DEFAULT-VALUE}).")
    int walMb;

    @Option(names = "--seconds", defaultValue = "20", description = "Length of the lag measure (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--rounds", defaultValue = "6", description = "Timed catch-ups of each archiver, an even number so"
                                                                   + " each goes first as often (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--archive-segments", defaultValue = "100",
            description = "Burst for the archive_command measure, walmgr's script against cp + sync; needs archive_mode"
                          + " on; 0 skips it (default ${DEFAULT-VALUE}).")
    int archiveSegments;

    @Option(names = "--sync-commits", defaultValue = "2000",
            description = "Single-row commits timed with ours, then pg_receivewal --synchronous, as the synchronous"
                          + " standby (and with none); 0 skips it (default ${DEFAULT-VALUE}).")
    int syncCommits;

    @Option(names = "--flush-interval", paramLabel = "MS", defaultValue = "500",
            description = "Our archiver's flush interval in ms (default ${DEFAULT-VALUE}).")
    long flushMillis;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        WalmgrConfig cfg = new WalmgrConfig(bench.root.config());
        String target = url != null ? url : cfg.primaryUrl();
        String user = url != null ? null : cfg.primaryUser();
        String password = url != null ? null : cfg.primaryPassword();
        Path receivewal = pgBin.resolve("pg_receivewal");
        if (!Files.isExecutable(receivewal)) {
            throw new SkytoolsConfig.ConfigException("no pg_receivewal in " + pgBin + " (--pg-bin; Debian: postgresql-15)");
        }
        if (walMb < 16 || seconds < 3) {
            throw new SkytoolsConfig.ConfigException("--wal-mb must be at least 16 and --seconds at least 3");
        }
        if (rounds < 2 || rounds % 2 != 0) {
            throw new SkytoolsConfig.ConfigException("--rounds must be an even number of at least 2, not " + rounds);
        }
        Path work = Files.createTempDirectory("skytools-walbench");
        try {
            out.println("bench: server " + JdbcUrls.mask(target) + ", pg_receivewal " + receivewal + ", work in " + work);
            new WalmgrBenchmark(new BenchServer(target, user, password), receivewal.toString(),
                    Connections.libpqConninfo(target, user), work, out, walMb, seconds, Duration.ofMillis(flushMillis),
                    rounds, archiveSegments, syncCommits).run();
            return 0;
        } finally {
            WorkDirectory.delete(work);
        }
    }
}
