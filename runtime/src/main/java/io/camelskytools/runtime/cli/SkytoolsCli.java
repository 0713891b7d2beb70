package io.camelskytools.runtime.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

import io.camelskytools.runtime.bench.BenchCommand;
import io.camelskytools.runtime.cli.londiste.LondisteCommand;
import io.camelskytools.runtime.cli.pgq.PgqCommand;
import io.camelskytools.runtime.cli.walmgr.WalmgrCommand;
import io.camelskytools.runtime.config.SkytoolsConfig;
import io.camelskytools.runtime.run.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code skytools} command. Exit codes: 0 done, 1 failed (the message says why), 2 bad usage. */
@Command(name = "skytools", mixinStandardHelpOptions = true, versionProvider = SkytoolsCli.Version.class,
         description = "PgQ queues, ticker and admin, Londiste replication and walmgr WAL archiving, for PostgreSQL, on Apache Camel.",
         subcommands = {RunCommand.class, PgqCommand.class, LondisteCommand.class, WalmgrCommand.class, BenchCommand.class})
public final class SkytoolsCli {

    @Option(names = "--config", paramLabel = "FILE", scope = CommandLine.ScopeType.INHERIT,
            description = "Properties file (default: ./skytools.properties when present). Every key can be overridden"
                          + " by an environment variable: skytools.db.main.url -> SKYTOOLS_DB_MAIN_URL.")
    Path config;

    Map<String, String> env = System.getenv();

    /** The configuration every subcommand reads: --config, or the default file, with the environment over it. */
    public SkytoolsConfig config() {
        return SkytoolsConfig.load(config, env);
    }

    /** The file --config named, or null (then the default file, when present). */
    public Path configFile() {
        return config;
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.getenv()));
    }

    /** Runs the command line; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        SkytoolsCli root = new SkytoolsCli();
        root.env = env;
        CommandLine cl = new CommandLine(root);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("skytools: " + message(e));
            return 1;
        });
        return cl.execute(args);
    }

    static String message(Throwable e) {
        String m = e.getMessage();
        if (e instanceof java.sql.SQLException && m != null && m.startsWith("ERROR: ")) {
            // the server's own words, without the driver's prefix and position lines
            m = m.substring(7);
            int nl = m.indexOf('\n');
            if (nl > 0) {
                m = m.substring(0, nl);
            }
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SkytoolsCli.class.getPackage().getImplementationVersion();
            return new String[] {"skytools " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (camel-skytools, Apache Camel 4.18)"};
        }
    }
}
