package io.camelskytools.runtime.cli.londiste;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.camelskytools.londiste.LondisteWorkerRoutes;
import io.camelskytools.londiste.admin.AddTableOptions;
import io.camelskytools.londiste.admin.CascadeStatus;
import io.camelskytools.londiste.admin.CascadeView;
import io.camelskytools.londiste.admin.ExecuteScripts;
import io.camelskytools.londiste.admin.NodeSetup;
import io.camelskytools.londiste.admin.SeqSetup;
import io.camelskytools.londiste.admin.StatusJson;
import io.camelskytools.londiste.admin.TableCreator;
import io.camelskytools.londiste.admin.TableSetup;
import io.camelskytools.londiste.compare.TableCompare;
import io.camelskytools.londiste.compare.TableRepair;
import io.camelskytools.londiste.admin.NodeWait;
import io.camelskytools.londiste.config.LondisteConfig;
import io.camelskytools.londiste.handler.HandlerFactory;
import io.camelskytools.londiste.handler.Handlers;
import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.LondisteException;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.table.TableClient;
import io.camelskytools.londiste.table.TableInfo;
import io.camelskytools.runtime.cli.Output;
import io.camelskytools.runtime.run.StopSignals;
import org.apache.camel.main.Main;
import org.apache.camel.main.SimpleMainShutdownStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * londiste3's command line on londiste3's ini files: {@code skytools londiste CONFIG.ini
 * COMMAND [ARGS]}. Exit codes: 0 done, 1 refused or failed (the message says why), 2 bad
 * usage.
 */
@Command(name = "londiste", mixinStandardHelpOptions = true,
         description = "Londiste replication with londiste3's commands and ini files.",
         subcommands = {LondisteCommand.CreateRoot.class, LondisteCommand.CreateBranch.class,
                        LondisteCommand.CreateLeaf.class, LondisteCommand.AddTable.class,
                        LondisteCommand.RemoveTable.class, LondisteCommand.Resync.class, LondisteCommand.Tables.class,
                        LondisteCommand.Seqs.class, LondisteCommand.Missing.class, LondisteCommand.Members.class,
                        LondisteCommand.NodeInfoCmd.class, LondisteCommand.Pause.class, LondisteCommand.Resume.class,
                        LondisteCommand.WaitSync.class, LondisteCommand.Worker.class, LondisteCommand.AddSeq.class,
                        LondisteCommand.RemoveSeq.class, LondisteCommand.Execute.class, LondisteCommand.Compare.class,
                        LondisteCommand.ChangeHandler.class, LondisteCommand.ShowHandlers.class,
                        LondisteCommand.Status.class, LondisteCommand.Repair.class, LondisteCommand.WaitRoot.class,
                        LondisteCommand.WaitProvider.class, LondisteCommand.NodeStatus.class,
                        CascadeCommands.Takeover.class, CascadeCommands.ChangeProvider.class,
                        CascadeCommands.TagDead.class, CascadeCommands.TagAlive.class, CascadeCommands.DropNode.class,
                        CascadeCommands.RenameNode.class, CascadeCommands.Resurrect.class})
public final class LondisteCommand {

    private static final Logger LOG = LoggerFactory.getLogger(LondisteCommand.class);

    @Parameters(index = "0", paramLabel = "CONFIG.ini", description = "A londiste3 ini file, as it is.")
    Path ini;

    LondisteConfig config() throws Exception {
        LondisteConfig cf = LondisteConfig.load(ini);
        if (!cf.unknownKeys().isEmpty()) {
            LOG.warn("londiste: {}: keys londiste does not know, ignored: {}", ini, String.join(", ", cf.unknownKeys()));
        }
        return cf;
    }

    /** Base of the subcommands: the config and one autocommit connection to the node's database. */
    abstract static class Sub implements Callable<Integer> {

        @ParentCommand
        LondisteCommand parent;

        @Spec
        CommandSpec spec;

        LondisteConfig cf;

        @Override
        public Integer call() throws Exception {
            cf = parent.config();
            try (Connection c = Connections.open(cf.jdbcUrl(), "londiste " + spec.name())) {
                return run(c);
            }
        }

        abstract int run(Connection c) throws Exception;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** Prints each outcome; 1 when any was refused. */
        int report(List<TableSetup.Outcome> outcomes) {
            int exit = 0;
            for (TableSetup.Outcome o : outcomes) {
                out().println(o.note());
                if (!o.ok()) {
                    exit = 1;
                }
            }
            return exit;
        }

        NodeInfo node(Connection c) throws Exception {
            NodeInfo n = NodeClient.nodeInfo(c, cf.queueName());
            if (n == null) {
                throw new LondisteException(404, "database " + Conninfo.mask(cf.db()) + " is no node of queue "
                                                 + cf.queueName());
            }
            return n;
        }
    }

    @Command(name = "create-root", mixinStandardHelpOptions = true, description = "Make this database the root node.")
    static final class CreateRoot extends Sub {
        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Parameters(index = "1", arity = "0..1", paramLabel = "PUBLIC_CONNSTR",
                    description = "How other nodes reach this one (default: public_node_location, else db).")
        String location;

        @Override
        int run(Connection c) throws Exception {
            out().println(new NodeSetup(cf.queueName(), cf.jobName())
                    .createRoot(c, node, location != null ? location : cf.publicLocation()));
            return 0;
        }
    }

    abstract static class CreateSubscriber extends Sub {
        @Parameters(index = "0", paramLabel = "NODE")
        String node;

        @Parameters(index = "1", arity = "0..1", paramLabel = "PUBLIC_CONNSTR")
        String location;

        @Option(names = "--provider", paramLabel = "CONNSTR",
                description = "A node to read from (default: initial_provider_location).")
        String provider;

        abstract String type();

        /** The combined queue a merge-leaf feeds, null for any other node. */
        String combinedQueue() {
            return null;
        }

        /** create-branch's --sync-watermark; null elsewhere. */
        List<String> syncWatermark() {
            return null;
        }

        @Override
        int run(Connection c) throws Exception {
            String from = provider != null ? provider : cf.initialProviderLocation();
            if (from == null) {
                throw new IllegalArgumentException("--provider is missing (and no initial_provider_location in "
                                                   + cf.file() + ")");
            }
            out().println(new NodeSetup(cf.queueName(), cf.jobName()).createSubscriber(c, type(), node,
                    location != null ? location : cf.publicLocation(), from, combinedQueue(), syncWatermark()));
            return 0;
        }
    }

    @Command(name = "create-branch", mixinStandardHelpOptions = true,
             description = "Make this database a branch (a full copy of the queue) under --provider.")
    static final class CreateBranch extends CreateSubscriber {
        @Option(names = "--sync-watermark", paramLabel = "NODE[,NODE]", split = ",",
                description = "Keep this branch's global watermark at the lowest of these nodes' (and its own):"
                              + " its queue holds what any of them needs.")
        List<String> syncWatermark;

        @Override
        String type() {
            return "branch";
        }

        @Override
        List<String> syncWatermark() {
            return syncWatermark;
        }
    }

    @Command(name = "create-leaf", mixinStandardHelpOptions = true,
             description = "Make this database a leaf (applies changes, no queue) under --provider.")
    static final class CreateLeaf extends CreateSubscriber {
        @Option(names = "--merge", paramLabel = "COMBINED_QUEUE",
                description = "A merge-leaf: also feed its changes into this queue of the same database.")
        String merge;

        @Override
        String type() {
            return "leaf";
        }

        @Override
        String combinedQueue() {
            return merge;
        }
    }

    @Command(name = "add-table", mixinStandardHelpOptions = true,
             description = "Replicate tables (globs allowed): on the root they get the triggers, elsewhere they are"
                           + " copied by the worker.")
    static final class AddTable extends Sub {
        @Parameters(paramLabel = "TABLE", arity = "0..*")
        List<String> tables = new ArrayList<>();

        @Option(names = "--all", description = "Every table there is to add.")
        boolean all;

        @Option(names = "--expect-sync", description = "No copy: the table is in sync already.")
        boolean expectSync;

        @Option(names = "--skip-truncate", description = "Do not truncate the table before the copy.")
        boolean skipTruncate;

        @Option(names = "--no-triggers", description = "Do not create the replication triggers (root).")
        boolean noTriggers;

        @Mixin
        HandlerOptions handler;

        @Mixin
        CopyNodeOptions copyNode;

        @Option(names = "--dest-table", paramLabel = "TABLE", description = "Apply into this table instead.")
        String destTable;

        @Option(names = "--copy-condition", paramLabel = "SQL", description = "Copy only the rows it selects.")
        String copyCondition;

        @Option(names = "--max-parallel-copy", paramLabel = "N")
        Integer maxParallelCopy;

        @Option(names = "--merge-all", description = "On a merge-leaf: take the table from every part queue.")
        boolean mergeAll;

        @Option(names = "--no-merge", description = "On a merge-leaf: take the table from this part queue only.")
        boolean noMerge;

        @Option(names = "--create", description = "Create a missing table from the provider's: columns, primary key.")
        boolean create;

        @Option(names = "--create-full", description = "Create a missing table from the provider's with defaults,"
                                                       + " constraints (no foreign keys) and indexes.")
        boolean createFull;

        @Override
        int run(Connection c) throws Exception {
            if (tables.isEmpty() && !all) {
                throw new IllegalArgumentException("name the tables to add, or --all");
            }
            AddTableOptions o = new AddTableOptions(expectSync, skipTruncate, noTriggers, handler.triggerFlags,
                    handler.triggerArgs, handler.handler, handler.handlerArgs, destTable, copyCondition,
                    copyNode.copyNodeAttr(), maxParallelCopy).withMerge(mergeAll, noMerge);
            TableCreator.Depth depth = createFull ? TableCreator.Depth.FULL
                    : create ? TableCreator.Depth.MINIMAL : null;
            return report(new TableSetup(cf.queueName()).addTables(c, tables, all, o, depth));
        }
    }

    @Command(name = "remove-table", mixinStandardHelpOptions = true, description = "Stop replicating tables.")
    static final class RemoveTable extends Sub {
        @Parameters(paramLabel = "TABLE", arity = "1..*")
        List<String> tables;

        @Override
        int run(Connection c) throws Exception {
            return report(new TableSetup(cf.queueName()).removeTables(c, tables));
        }
    }

    @Command(name = "resync", mixinStandardHelpOptions = true, description = "Copy tables again.")
    static final class Resync extends Sub {
        @Parameters(paramLabel = "TABLE", arity = "1..*")
        List<String> tables;

        @Mixin
        CopyNodeOptions copyNode;

        @Override
        int run(Connection c) throws Exception {
            return report(new TableSetup(cf.queueName()).resync(c, tables, copyNode.copyNodeAttr()));
        }
    }

    @Command(name = "add-seq", mixinStandardHelpOptions = true, description = "Replicate sequences.")
    static final class AddSeq extends Sub {
        @Parameters(paramLabel = "SEQ", arity = "0..*")
        List<String> seqs = new ArrayList<>();

        @Option(names = "--all", description = "Every sequence there is to add.")
        boolean all;

        @Option(names = {"--create", "--create-full"}, description = "Create a missing sequence here first.")
        boolean create;

        @Override
        int run(Connection c) throws Exception {
            if (seqs.isEmpty() && !all) {
                throw new IllegalArgumentException("name the sequences to add, or --all");
            }
            return report(new SeqSetup(cf.queueName()).addSeqs(c, seqs, all, create));
        }
    }

    @Command(name = "remove-seq", mixinStandardHelpOptions = true, description = "Stop replicating sequences.")
    static final class RemoveSeq extends Sub {
        @Parameters(paramLabel = "SEQ", arity = "1..*")
        List<String> seqs;

        @Override
        int run(Connection c) throws Exception {
            return report(new SeqSetup(cf.queueName()).removeSeqs(c, seqs));
        }
    }

    @Command(name = "execute", mixinStandardHelpOptions = true,
             description = "Run SQL scripts on the root and on every node after it, at the same place in the stream"
                           + " (meta lines --*-- Local-Table: t decide where).")
    static final class Execute extends Sub {
        @Parameters(paramLabel = "FILE", arity = "1..*")
        List<Path> files;

        @Override
        int run(Connection c) throws Exception {
            node(c);
            for (String line : new ExecuteScripts(cf.queueName()).execute(c, files)) {
                out().println(line);
            }
            return 0;
        }
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
             description = "Compare tables with the provider's at the same point of the queue (count and checksum);"
                           + " the exit code is the number of tables that differ.")
    static final class Compare extends Sub {
        @Mixin
        SamePointOptions tables;

        @Option(names = "--count-only", description = "Only count rows.")
        boolean countOnly;

        @Override
        public Integer call() throws Exception {
            cf = parent.config();
            return run(null);
        }

        @Override
        int run(Connection unused) throws Exception {
            int bad = 0;
            for (TableCompare.Result r : new TableCompare(cf.queueName(), cf.lockTimeout(), tables.force, countOnly)
                    .compare(cf.jdbcUrl(), tables.tables)) {
                if (r.skipped() != null) {
                    out().println(r.table() + ": skipped: " + r.skipped());
                    continue;
                }
                out().println(r.table() + ": provider: " + r.provider());
                out().println(r.table() + ": local:    " + r.local());
                if (r.differs()) {
                    out().println(r.table() + ": Results do not match!");
                    bad++;
                }
            }
            return bad;
        }
    }

    @Command(name = "change-handler", mixinStandardHelpOptions = true,
             description = "Give a replicated table another handler (and trigger args).")
    static final class ChangeHandler extends Sub {
        @Parameters(paramLabel = "TABLE")
        String table;

        @Mixin
        HandlerOptions handler;

        @Override
        int run(Connection c) throws Exception {
            if (handler.handler == null) {
                throw new IllegalArgumentException("--handler is missing: name the table's new handler");
            }
            node(c);
            AddTableOptions o = new AddTableOptions(false, false, false, handler.triggerFlags, handler.triggerArgs,
                    handler.handler, handler.handlerArgs, null, null, null, null);
            TableSetup.Outcome r = new TableSetup(cf.queueName()).changeHandler(c, table, o);
            out().println(r.note());
            return r.ok() ? 0 : 1;
        }
    }

    @Command(name = "show-handlers", mixinStandardHelpOptions = true, description = "The handlers there are.")
    static final class ShowHandlers implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", arity = "0..*")
        List<String> names = new ArrayList<>();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            int exit = 0;
            for (HandlerFactory f : Handlers.all().values()) {
                if (names.isEmpty() || names.contains(f.name())) {
                    spec.commandLine().getOut().println(f.name() + ": " + f.description());
                }
            }
            for (String n : names) {
                if (!Handlers.all().containsKey(n)) {
                    spec.commandLine().getOut().println(n + ": no such handler");
                    exit = 1;
                }
            }
            return exit;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
             description = "Every node of the cascade under the root: lag, tick, flags, errors, tables"
                           + " (total / in sync / in copy); exit 1 when a member has an error or cannot be read.")
    static final class Status extends Sub {
        @Option(names = "--json", description = "One JSON document: the members in tree order with their provider.")
        boolean json;

        @Override
        int run(Connection c) throws Exception {
            CascadeStatus status = new CascadeStatus(cf.queueName());
            if (!json) {
                return status.print(c, out()) == 0 ? 0 : 1;
            }
            CascadeView view = status.read(c);
            out().println(StatusJson.render(view));
            return view.problems() == 0 ? 0 : 1;
        }
    }

    @Command(name = "tables", mixinStandardHelpOptions = true, description = "The tables this node replicates.")
    static final class Tables extends Sub {
        @Option(names = "--names-only")
        boolean namesOnly;

        @Override
        int run(Connection c) throws Exception {
            for (TableInfo t : new TableSetup(cf.queueName()).tables(c)) {
                if (namesOnly) {
                    out().println(t.name());
                } else {
                    out().println(t.name() + "  state=" + (t.mergeState() == null ? "new" : t.mergeState())
                                  + (t.attrs() == null ? "" : "  attrs=" + t.attrs())
                                  + (t.destTable() == null ? "" : "  dest=" + t.destTable()));
                }
            }
            return 0;
        }
    }

    @Command(name = "seqs", mixinStandardHelpOptions = true, description = "The sequences of the queue.")
    static final class Seqs extends Sub {
        @Override
        int run(Connection c) throws Exception {
            node(c);
            Output.print(out(), TableClient.seqs(c, cf.queueName()), false);
            return 0;
        }
    }

    @Command(name = "missing", mixinStandardHelpOptions = true,
             description = "Tables and sequences not replicated here yet.")
    static final class Missing extends Sub {
        @Override
        int run(Connection c) throws Exception {
            node(c);
            Output.print(out(), io.camelskytools.jdbc.QueryRows.list(c,
                    "select * from londiste.local_show_missing(?)", cf.queueName()), false);
            return 0;
        }
    }

    @Command(name = "members", mixinStandardHelpOptions = true, description = "The nodes of the cascade.")
    static final class Members extends Sub {
        @Override
        int run(Connection c) throws Exception {
            node(c);
            for (NodeClient.Member m : NodeClient.members(c, cf.queueName())) {
                out().println(m.name() + (m.dead() ? "  (dead)" : "") + "  " + Conninfo.mask(m.location()));
            }
            return 0;
        }
    }

    @Command(name = "node-info", mixinStandardHelpOptions = true, description = "This node: type, provider, watermarks.")
    static final class NodeInfoCmd extends Sub {
        @Override
        int run(Connection c) throws Exception {
            NodeInfo n = node(c);
            out().println("node: " + n.name() + "  type: " + n.type() + "  queue: " + cf.queueName());
            out().println("worker: " + n.worker() + (n.workerPaused() ? "  PAUSED" : "")
                          + (n.workerUptodate() ? "" : "  NOT UPTODATE") + "  last tick: " + n.workerLastTick());
            if (n.providerNode() != null && !n.isRoot()) {
                out().println("provider: " + n.providerNode() + "  " + Conninfo.mask(n.providerLocation()));
            }
            out().println("global watermark: " + n.globalWatermark() + "  local watermark: " + n.localWatermark());
            if (n.combinedQueue() != null) {
                out().println("combined queue: " + n.combinedQueue() + " (" + n.combinedType() + ")");
            }
            return 0;
        }
    }

    abstract static class PauseSub extends Sub {
        @Option(names = "--consumer", paramLabel = "NAME", description = "Another cascaded consumer than the worker.")
        String consumer;

        @Mixin
        TimeoutOption timeout;

        abstract boolean pause();

        @Override
        int run(Connection c) throws Exception {
            NodeInfo n = node(c);
            String who = consumer != null ? consumer : n.worker();
            NodeClient.setPaused(c, cf.queueName(), who, pause());
            String what = pause() ? "paused" : "resumed";
            // the worker sets uptodate again when it has seen the flag
            long deadline = timeout.deadline();
            while (!NodeClient.consumerState(c, cf.queueName(), who).uptodate()) {
                if (System.nanoTime() > deadline) {
                    out().println("Consumer '" + who + "' on node '" + n.name() + "' tagged as " + what
                                  + "; its worker did not acknowledge in " + timeout.seconds + " s (is it running?)");
                    return 1;
                }
                Thread.sleep(200);
            }
            out().println("Consumer '" + who + "' on node '" + n.name() + "' " + what);
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause the worker.")
    static final class Pause extends PauseSub {
        @Override
        boolean pause() {
            return true;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume the worker.")
    static final class Resume extends PauseSub {
        @Override
        boolean pause() {
            return false;
        }
    }

    @Command(name = "wait-sync", mixinStandardHelpOptions = true,
             description = "Wait until every table of this node is in sync (state ok).")
    static final class WaitSync extends Sub {
        @Mixin
        TimeoutOption timeout;

        @Override
        int run(Connection c) throws Exception {
            long deadline = timeout.deadline();
            String last = null;
            while (true) {
                List<String> pending = new ArrayList<>();
                for (TableInfo t : new TableSetup(cf.queueName()).tables(c)) {
                    if (!"ok".equals(t.mergeState())) {
                        pending.add(t.name() + " (" + (t.mergeState() == null ? "new" : t.mergeState()) + ")");
                    }
                }
                if (pending.isEmpty()) {
                    out().println("all tables in sync");
                    return 0;
                }
                String now = String.join(", ", pending);
                if (!now.equals(last)) {
                    out().println("waiting for " + now);
                    last = now;
                }
                if (System.nanoTime() > deadline) {
                    out().println("timeout: not in sync: " + now);
                    return 1;
                }
                Thread.sleep(500);
            }
        }
    }

    @Command(name = "worker", mixinStandardHelpOptions = true,
             description = "Run the replication worker in the foreground (a Camel route run by Camel Main);"
                           + " Ctrl-C / SIGTERM let the batch in hand finish, then exit 0 (a second one exits at once).")
    static final class Worker extends Sub {
        @Override
        public Integer call() throws Exception {
            cf = parent.config();
            return run(null);
        }

        @Override
        int run(Connection unused) throws Exception {
            Main main = new Main();
            main.setDefaultPropertyPlaceholderLocation("false");
            main.configure().setName("londiste-" + cf.jobName());
            main.configure().setRoutesCollectorEnabled(false);
            main.configure().addRoutesBuilder(new LondisteWorkerRoutes().node(cf));
            LOG.info("londiste: worker {} on queue {} ({})", cf.jobName(), cf.queueName(), Conninfo.mask(cf.db()));
            // Ctrl-C and SIGTERM are a normal stop: the batch in hand is finished, exit 0
            try (StopSignals signals = new StopSignals()) {
                main.setShutdownStrategy(new SimpleMainShutdownStrategy());
                signals.onStop(main::completed);
                if (!signals.requested()) {
                    main.run();
                }
            }
            LOG.info("londiste: worker {} stopped", cf.jobName());
            return 0;
        }
    }

    @Command(name = "repair", mixinStandardHelpOptions = true,
             description = "Find the rows that differ from the provider's at the same point of the queue and write"
                           + " the SQL that fixes them to fix.<table>.sql (--apply: run it here, one transaction per"
                           + " table); the exit code is the number of tables that still differ.")
    static final class Repair extends Sub {
        @Mixin
        SamePointOptions tables;

        @Option(names = "--apply", description = "Apply the fixes here instead of writing them.")
        boolean apply;

        @Option(names = "--repair-where", paramLabel = "SQL", description = "Look only at the rows it selects.")
        String repairWhere;

        @Option(names = "--sort-bufsize", paramLabel = "SIZE",
                description = "Accepted for londiste3's scripts; rows are sorted by the servers, not by sort(1).")
        String sortBufsize;

        @Option(names = "--output-dir", paramLabel = "DIR", defaultValue = ".",
                description = "Where the fix files go (default: the current directory, as londiste3).")
        Path outputDir;

        @Override
        public Integer call() throws Exception {
            cf = parent.config();
            return run(null);
        }

        @Override
        int run(Connection unused) throws Exception {
            int bad = 0;
            for (TableRepair.Result r : new TableRepair(cf.queueName(), cf.lockTimeout(), tables.force, repairWhere,
                    apply, outputDir).repair(cf.jdbcUrl(), tables.tables)) {
                if (r.skipped() != null) {
                    out().println(r.table() + ": skipped: " + r.skipped());
                    continue;
                }
                if (r.problem() != null) {
                    out().println(r.table() + ": cannot repair: " + r.problem());
                } else {
                    out().println(r.table() + ": src: " + r.sourceRows() + " rows, dst: " + r.targetRows()
                                  + " rows, missed: " + r.inserts() + " inserts, " + r.updates() + " updates, "
                                  + r.deletes() + " deletes");
                    if (r.fixFile() != null) {
                        out().println(r.table() + ": fixes written to " + r.fixFile());
                    } else if (r.applied()) {
                        out().println(r.table() + ": " + r.fixes() + " fixes applied");
                    }
                }
                if (r.bad()) {
                    bad++;
                }
            }
            return bad;
        }
    }

    /** wait-root and wait-provider. */
    abstract static class WaitTick extends Sub {
        @Mixin
        TimeoutOption timeout;

        abstract boolean root();

        @Override
        int run(Connection c) throws Exception {
            NodeWait wait = new NodeWait(cf.queueName(), out()::println);
            boolean reached = root() ? wait.waitRoot(c, timeout.duration()) : wait.waitProvider(c, timeout.duration());
            return reached ? 0 : 1;
        }
    }

    @Command(name = "wait-root", mixinStandardHelpOptions = true,
             description = "Wait until this node's worker is past the tick the root holds now.")
    static final class WaitRoot extends WaitTick {
        @Override
        boolean root() {
            return true;
        }
    }

    @Command(name = "wait-provider", mixinStandardHelpOptions = true,
             description = "Wait until this node's worker is past the tick its provider holds now.")
    static final class WaitProvider extends WaitTick {
        @Override
        boolean root() {
            return false;
        }
    }

    @Command(name = "node-status", mixinStandardHelpOptions = true,
             description = "This node: provider, subscribers, tables, lag, tick, flags and its worker's error"
                           + " (exit 1 when there is one).")
    static final class NodeStatus extends Sub {
        @Override
        int run(Connection c) throws Exception {
            return new CascadeStatus(cf.queueName()).printNode(c, out());
        }
    }
}
