package io.camelskytools.runtime.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.jdbc.SqlNames;

/**
 * pgbench's tables on a root and their empty twins on a leaf, and pgbench's TPC-B load on
 * the root. pgbench_history gets a bigserial primary key (Londiste replicates keyed tables
 * only), the same for every contender.
 */
final class PgbenchTables {

    static final List<String> TABLES = List.of("public.pgbench_accounts", "public.pgbench_branches",
            "public.pgbench_tellers", "public.pgbench_history");
    /** Rows one TPC-B transaction changes: three updates and one insert. */
    static final int CHANGES_PER_TRANSACTION = 4;

    private final String pgBin;
    private final BenchProcesses processes;
    private final Path work;

    PgbenchTables(String pgBin, BenchProcesses processes, Path work) {
        this.pgBin = pgBin;
        this.processes = processes;
        this.work = work;
    }

    // pgbench takes the connection string where the database name goes (its -d is --debug)

    /** Creates both databases: the root with pgbench's tables at {@code scale}, the leaf with their definitions. */
    void create(BenchNode root, BenchNode leaf, int scale) throws Exception {
        for (BenchNode n : List.of(root, leaf)) {
            try (Connection c = DriverManager.getConnection(n.maintenanceUrl()); Statement st = c.createStatement()) {
                st.execute("drop database if exists " + SqlNames.quoteIdent(n.database()));
                st.execute("create database " + SqlNames.quoteIdent(n.database()));
            }
        }
        processes.run(List.of(pgBin + "/pgbench", "-i", "-q", "-s", Integer.toString(scale), root.conninfo()));
        try (Connection c = root.connect(); Statement st = c.createStatement()) {
            st.execute("alter table pgbench_history add column hid bigserial primary key");
            st.execute("vacuum analyze");
        }
        Path schema = work.resolve(root.database() + "-schema.sql");
        processes.run(List.of(pgBin + "/pg_dump", "-s", "-t", "pgbench_*", "-f", schema.toString(), "-d",
                root.conninfo()));
        processes.run(List.of(pgBin + "/psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-f", schema.toString(), "-d",
                leaf.conninfo()));
    }

    /** {@code transactions} TPC-B transactions as fast as two clients go; waits for the end. */
    void load(BenchNode root, int transactions) throws Exception {
        processes.run(List.of(pgBin + "/pgbench", "-n", "-c", "2", "-t", Integer.toString(Math.max(1, transactions / 2)),
                root.conninfo()));
    }

    /** TPC-B at a steady {@code tps} for {@code seconds}, in the background. */
    Process steadyLoad(BenchNode root, int tps, int seconds) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(pgBin + "/pgbench", "-n", "-c", "2", "-R", Integer.toString(tps),
                "-T", Integer.toString(seconds), root.conninfo()));
        return processes.start("pgbench-" + root.database(), cmd);
    }

    /** Drops both databases; best effort, after the figures. */
    static void drop(BenchNode... nodes) throws Exception {
        for (BenchNode n : nodes) {
            try (Connection c = DriverManager.getConnection(n.maintenanceUrl()); Statement st = c.createStatement()) {
                st.execute("drop database if exists " + SqlNames.quoteIdent(n.database()) + " with (force)");
            }
        }
    }
}
