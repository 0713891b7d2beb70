package io.camelskytools.runtime.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.jdbc.Conninfo;

/**
 * Skytools' python londiste3 at its defaults, ticked by pgqd at its defaults: a root and a
 * leaf made by londiste3 itself (so with Skytools' real extensions), each worker its own process.
 */
final class PythonLondiste implements ReplicationContender {

    private static final String QUEUE = "bench_py";

    private final BenchNode root;
    private final BenchNode leaf;
    private final BenchProcesses processes;
    private final Path work;
    private final String londiste;
    private final String pgqd;
    private final List<Process> background = new ArrayList<>();
    private Process leafWorker;

    PythonLondiste(BenchNode root, BenchNode leaf, BenchProcesses processes, Path work, String londiste, String pgqd) {
        this.root = root;
        this.leaf = leaf;
        this.processes = processes;
        this.work = work;
        this.londiste = londiste;
        this.pgqd = pgqd;
    }

    @Override
    public String name() {
        return "python londiste3";
    }

    @Override
    public BenchNode root() {
        return root;
    }

    @Override
    public BenchNode leaf() {
        return leaf;
    }

    @Override
    public void setUp() throws Exception {
        ini("root", root);
        ini("leaf", leaf);
        Files.writeString(work.resolve("pgqd.ini"), String.join("\n", "[pgqd]",
                "base_connstr = " + Conninfo.serverOf(root.serverUrl(), null), "database_list = " + root.database(),
                "logfile = " + work.resolve("pgqd-file.log"), "pidfile = " + work.resolve("pgqd.pid"), "syslog = 0", ""));
        londiste("root", "create-root", "n1", root.conninfo());
        londiste("leaf", "create-leaf", "n2", leaf.conninfo(), "--provider=" + root.conninfo());
        List<String> add = new ArrayList<>(List.of("add-table"));
        add.addAll(PgbenchTables.TABLES);
        londiste("root", add.toArray(String[]::new));
        background.add(processes.start("pgqd", List.of(pgqd, work.resolve("pgqd.ini").toString())));
        background.add(processes.start("londiste3-root", List.of(londiste, ini("root").toString(), "worker")));
    }

    @Override
    public void startCopy() throws Exception {
        startApplying();
        londiste("leaf", "add-table", "--all");
    }

    @Override
    public boolean copied() throws Exception {
        return leaf.longValue("select count(*) from londiste.table_info where local and merge_state = 'ok'")
               == PgbenchTables.TABLES.size();
    }

    @Override
    public void stopApplying() throws Exception {
        BenchProcesses.stop(leafWorker);
        leafWorker = null;
    }

    @Override
    public void startApplying() throws Exception {
        leafWorker = processes.start("londiste3-leaf", List.of(londiste, ini("leaf").toString(), "worker"));
    }

    @Override
    public void close() throws Exception {
        if (leafWorker != null) {
            BenchProcesses.stop(leafWorker);
        }
        for (Process p : background) {
            BenchProcesses.stop(p);
        }
    }

    private void ini(String which, BenchNode node) throws Exception {
        Files.writeString(ini(which), String.join("\n", "[londiste]", "job_name = bench_py_" + which,
                "db = " + node.conninfo(), "queue_name = " + QUEUE, "logfile = " + work.resolve("londiste3-" + which
                + "-file.log"), "pidfile = " + work.resolve("londiste3-" + which + ".pid"), ""));
    }

    private Path ini(String which) {
        return work.resolve("londiste3-" + which + ".ini");
    }

    private void londiste(String which, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(londiste, ini(which).toString()));
        cmd.addAll(List.of(args));
        processes.run(cmd);
    }
}
