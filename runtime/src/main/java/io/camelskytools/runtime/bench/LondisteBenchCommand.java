package io.camelskytools.runtime.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.camelskytools.jdbc.JdbcUrls;
import io.camelskytools.runtime.config.SkytoolsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code skytools bench londiste}: our Londiste against python londiste3 and native logical replication. */
@Command(name = "londiste", mixinStandardHelpOptions = true,
         description = "Measure initial copy, backlog drain and lag of our Londiste against python londiste3 (with pgqd)"
                       + " and native logical replication, from databases on the provider server to databases on"
                       + " the target server (both superuser, reachable without a password; the provider with"
                       + " wal_level logical). Its databases bench_lond_* are dropped at the end.")
final class LondisteBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--provider", required = true, paramLabel = "JDBC-URL", description = "The server of the roots.")
    String provider;

    @Option(names = "--target", required = true, paramLabel = "JDBC-URL", description = "The server of the leaves.")
    String target;

    @Option(names = "--scale", defaultValue = "10", description = "pgbench scale of the roots (default ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = "--transactions", defaultValue = "50000",
            description = "TPC-B transactions of the backlog, four row changes each (default ${DEFAULT-VALUE}).")
    int transactions;

    @Option(names = "--tps", defaultValue = "500", description = "TPC-B rate of the lag measure (default ${DEFAULT-VALUE}).")
    int tps;

    @Option(names = "--lag-seconds", defaultValue = "30", description = "Length of the lag measure (default ${DEFAULT-VALUE}).")
    int lagSeconds;

    @Option(names = "--ticker-period", paramLabel = "MS", defaultValue = "20",
            description = "Our ticker's period on our root, in ms (default ${DEFAULT-VALUE}).")
    long tickerMillis;

    @Option(names = "--pg-bin", paramLabel = "DIR", defaultValue = "/usr/lib/postgresql/15/bin",
            description = "Where pgbench, pg_dump and psql are (default ${DEFAULT-VALUE}).")
    Path pgBin;

    @Option(names = "--londiste", paramLabel = "PATH", defaultValue = "/usr/bin/londiste",
            description = "python londiste3 (default ${DEFAULT-VALUE}; Debian: skytools3).")
    Path londiste;

    @Option(names = "--pgqd", paramLabel = "PATH", defaultValue = "/usr/bin/pgqd",
            description = "pgqd, python londiste3's ticker (default ${DEFAULT-VALUE}; Debian: skytools3-ticker).")
    Path pgqd;

    @Option(names = "--skip-python", description = "Leave python londiste3 out (quicker while tuning; no ratios to it).")
    boolean skipPython;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (Path p : skipPython ? List.of(pgBin.resolve("pgbench")) : List.of(pgBin.resolve("pgbench"), londiste, pgqd)) {
            if (!Files.isExecutable(p)) {
                throw new SkytoolsConfig.ConfigException("bench londiste needs " + p + " (--pg-bin, --londiste, --pgqd)");
            }
        }
        if (scale < 1 || transactions < 100 || tps < 1 || lagSeconds <= LondisteBenchmark.LAG_SETTLE_SECONDS) {
            throw new SkytoolsConfig.ConfigException("--scale must be at least 1, --transactions at least 100, --tps at"
                                                     + " least 1 and --lag-seconds more than "
                                                     + LondisteBenchmark.LAG_SETTLE_SECONDS);
        }
        Path work = Files.createTempDirectory("skytools-londistebench");
        out.println("bench: provider " + JdbcUrls.mask(provider) + ", target " + JdbcUrls.mask(target) + ", work in "
                    + work);
        List<BenchNode> nodes = List.of(new BenchNode(provider, "bench_lond_ours"), new BenchNode(target,
                "bench_lond_ours"), new BenchNode(provider, "bench_lond_py"), new BenchNode(target, "bench_lond_py"),
                new BenchNode(provider, "bench_lond_native"), new BenchNode(target, "bench_lond_native"));
        try (BenchProcesses processes = new BenchProcesses(work)) {
            List<ReplicationContender> contenders = new ArrayList<>();
            contenders.add(new OurLondiste(nodes.get(0), nodes.get(1), Duration.ofMillis(tickerMillis)));
            if (!skipPython) {
                contenders.add(new PythonLondiste(nodes.get(2), nodes.get(3), processes, work, londiste.toString(),
                        pgqd.toString()));
            }
            contenders.add(new NativeReplication(nodes.get(4), nodes.get(5)));
            try {
                new LondisteBenchmark(contenders, new PgbenchTables(pgBin.toString(), processes, work), out, scale,
                        transactions, tps, lagSeconds).run();
            } finally {
                for (ReplicationContender c : contenders) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        out.println("bench: stopping " + c.name() + " failed: " + e.getMessage());
                    }
                }
                processes.close();
                try {
                    PgbenchTables.drop(nodes.toArray(BenchNode[]::new));
                } catch (Exception e) {
                    out.println("bench: dropping the bench_lond_* databases failed: " + e.getMessage());
                }
            }
            return 0;
        } finally {
            WorkDirectory.delete(work);
        }
    }
}
