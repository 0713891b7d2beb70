package io.camelskytools.runtime.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.Callable;

import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.pgq.schema.PgqSchema;
import io.camelskytools.pgq.schema.SchemaInstaller;
import io.camelskytools.runtime.cli.SkytoolsCli;
import io.camelskytools.runtime.config.Connections;
import io.camelskytools.runtime.config.DatabaseConfig;
import io.camelskytools.runtime.config.EmbeddedDatabase;
import io.camelskytools.runtime.config.SkytoolsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code skytools bench}: the component benchmark against a database, with ratios to the plain-PostgreSQL limit. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {WalBenchCommand.class, LondisteBenchCommand.class},
         description = "Measure consumer, producer and latency against the plain-PostgreSQL limit (and pgqd when"
                       + " installed). Without --db and with nothing configured: on a throwaway embedded PostgreSQL."
                       + " `bench walmgr`: WAL archiving against pg_receivewal; `bench londiste`: replication against"
                       + " python londiste3 and native logical replication.")
public final class BenchCommand implements Callable<Integer> {

    @ParentCommand
    SkytoolsCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--db", paramLabel = "NAME|URL", description = "The database (it gets our PgQ if it has none).")
    String db;

    @Option(names = "--events", description = "Events read and written per measure (default ${DEFAULT-VALUE}).",
            defaultValue = "200000")
    int events;

    @Option(names = "--latency-seconds", description = "Length of the latency run (default ${DEFAULT-VALUE}).",
            defaultValue = "10")
    int latencySeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (events < 1000) {
            throw new SkytoolsConfig.ConfigException("--events must be at least 1000, not " + events);
        }
        SkytoolsConfig config = root.config();
        EmbeddedDatabase embedded = null;
        Path tmp = null;
        try {
            DatabaseConfig target;
            if (db == null && config.databases().isEmpty()) {
                tmp = Files.createTempDirectory("skytools-bench");
                embedded = EmbeddedDatabase.start(tmp.resolve("data"), 0);
                target = embedded.config();
                out.println("bench: throwaway embedded PostgreSQL on port " + embedded.port());
            } else {
                target = Connections.resolve(config, db);
            }
            out.println("bench: database " + target);
            try (Connection c = Connections.open(target)) {
                if (PgqSchema.inspect(c).kind() == PgqSchema.Kind.NONE) {
                    SchemaInstaller.installPgq(c);
                }
                out.println("bench: PgQ " + PgqSchema.inspect(c));
            }
            try (HikariDataSource ds = new HikariDataSource()) {
                ds.setJdbcUrl(target.url());
                ds.setUsername(target.user());
                ds.setPassword(target.password());
                ds.setMaximumPoolSize(8);
                new PgqBenchmark(ds, new BenchServer(target.url(), target.user(), target.password()),
                        databaseName(target.url()), pgqdConnstr(target), out, events, events, latencySeconds).run();
            }
            return 0;
        } finally {
            if (embedded != null) {
                embedded.close();
            }
            if (tmp != null) {
                WorkDirectory.delete(tmp);
            }
        }
    }

    private static String databaseName(String url) {
        String rest = url.substring(url.indexOf("//") + 2);
        String path = rest.contains("/") ? rest.substring(rest.indexOf('/') + 1) : "postgres";
        return path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    }

    /** host/port/user of the JDBC URL as a libpq string, for pgqd; null when pgqd cannot use it. */
    private static String pgqdConnstr(DatabaseConfig db) {
        if (db.password() != null) {
            return null;
        }
        try {
            return Connections.libpqConninfo(db.url(), db.user());
        } catch (SkytoolsConfig.ConfigException notHostPort) {
            return null;
        }
    }
}
