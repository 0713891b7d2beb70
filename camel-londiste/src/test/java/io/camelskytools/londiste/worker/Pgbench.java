package io.camelskytools.londiste.worker;

import static io.camelskytools.londiste.LondisteNodes.location;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;

/**
 * The real pgbench binary on a test database: its four tables (pgbench_history with a
 * bigserial key {@code hid}, since Londiste replicates keyed tables only) and its TPC-B-like
 * script as a background load. Each load's output goes to a file in {@code dir}.
 */
final class Pgbench {

    static final List<String> TABLES = List.of("public.pgbench_accounts", "public.pgbench_branches",
            "public.pgbench_tellers", "public.pgbench_history");
    /** The sequence behind pgbench_history's key: replicated, so a new root hands out fresh keys. */
    static final String HISTORY_SEQ = "public.pgbench_history_hid_seq";
    /** Rows one TPC-B transaction changes, so events it makes: three updates and one insert. */
    static final int EVENTS_PER_TRANSACTION = 4;

    private final String binary;
    private final Path dir;

    Pgbench(String binDir, Path dir) {
        this.binary = binDir + "/pgbench";
        this.dir = dir;
    }

    /** pgbench's tables at scale 1 with their rows: the root's. */
    void initWithRows(TestDb db) throws Exception {
        run(db, "-i", "-q", "-s", "1");
        addHistoryKey(db);
    }

    /** The same tables with their keys and no rows: a subscriber's, which the copy fills. */
    void initEmpty(TestDb db) throws Exception {
        // init steps: drop, create tables, primary keys (no rows, no vacuum)
        run(db, "-i", "-q", "-I", "dtp", "-s", "1");
        addHistoryKey(db);
    }

    /**
     * TPC-B from two clients at 100 transactions a second in all, with {@code limit} (-T
     * seconds or -t transactions per client), in the background; {@code name} names its output.
     */
    PgbenchLoad start(TestDb db, String name, String... limit) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary, "-n", "-c", "2", "-R", "100"));
        cmd.addAll(List.of(limit));
        // pgbench takes a connection string where the database name goes
        cmd.add(location(db));
        return PgbenchLoad.start(name, cmd, dir.resolve(name + ".out"));
    }

    private void run(TestDb db, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary));
        cmd.addAll(List.of(args));
        cmd.add(location(db));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " still runs after 120 s:\n" + out);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(cmd + " exited with " + p.exitValue() + ":\n" + out);
        }
    }

    private static void addHistoryKey(TestDb db) throws SQLException {
        try (Sql s = db.open()) {
            s.exec("alter table public.pgbench_history add column hid bigserial primary key");
        }
    }
}
