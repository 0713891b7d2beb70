package io.camelskytools.runtime.cli.pgq;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.camelskytools.pgq.client.NewEvent;
import io.camelskytools.pgq.client.PgqClient;
import io.camelskytools.pgq.client.PgqInfo;
import io.camelskytools.pgq.schema.SchemaInstaller;
import io.camelskytools.runtime.cli.Output;
import io.camelskytools.runtime.cli.SkytoolsCli;
import io.camelskytools.runtime.config.Connections;
import io.camelskytools.runtime.config.DatabaseConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** What Skytools' qadmin offers, as commands: {@code skytools pgq --db NAME|URL COMMAND}. */
@Command(name = "pgq", mixinStandardHelpOptions = true, description = "Administer PgQ queues in a database.",
         subcommands = {PgqCommand.Install.class, PgqCommand.CreateQueue.class, PgqCommand.DropQueue.class,
                        PgqCommand.AlterQueue.class, PgqCommand.Register.class, PgqCommand.Unregister.class,
                        PgqCommand.Queues.class, PgqCommand.Consumers.class, PgqCommand.Batches.class, PgqCommand.Tick.class,
                        PgqCommand.Maintenance.class, PgqCommand.Insert.class})
public final class PgqCommand {

    /**
     * pgq.get_queue_info columns the queues command shows, and under which names. Rates and
     * pending counts come from event id distances (a forced tick skips ids on purpose,
     * rolled-back inserts use some): their names say they estimate.
     */
    private static final Map<String, String> QUEUE_COLUMNS = Output.names("queue_name", "queue_name", "queue_ntables", "tables",
            "queue_cur_table", "cur_table", "ticker_lag", "ticker_lag", "ev_per_sec", "ev_per_sec_est", "ev_new", "ev_new",
            "last_tick_id", "last_tick_id", "queue_ticker_paused", "paused");
    private static final Map<String, String> CONSUMER_COLUMNS = Output.names("queue_name", "queue_name", "consumer_name",
            "consumer_name", "lag", "lag", "last_seen", "last_seen", "pending_events", "pending_events_est", "last_tick",
            "last_tick", "current_batch", "current_batch");

    @ParentCommand
    SkytoolsCli root;

    @Option(names = "--db", paramLabel = "NAME|URL", scope = picocli.CommandLine.ScopeType.INHERIT,
            description = "A configured database name, or a jdbc:postgresql: URL (default: the only configured one).")
    String db;

    /** Base of the subcommands: one connection, autocommit. */
    abstract static class Sub implements Callable<Integer> {

        @ParentCommand
        PgqCommand pgq;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            DatabaseConfig target = Connections.resolve(pgq.root.config(), pgq.db);
            try (Connection c = Connections.open(target)) {
                c.setAutoCommit(true);
                run(c);
            }
            return 0;
        }

        abstract void run(Connection c) throws Exception;

        java.io.PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
             description = "Install (or upgrade) our PgQ schema; a database with Skytools' PgQ is left as it is.")
    static final class Install extends Sub {
        @Option(names = "--coop", description = "Also install pgq_coop.")
        boolean coop;

        @Override
        void run(Connection c) throws Exception {
            out().println("pgq: " + SchemaInstaller.installPgq(c).name().toLowerCase().replace('_', ' '));
            if (coop) {
                out().println("pgq_coop: " + SchemaInstaller.installPgqCoop(c).name().toLowerCase().replace('_', ' '));
            }
        }
    }

    @Command(name = "create-queue", mixinStandardHelpOptions = true, description = "Create a queue.")
    static final class CreateQueue extends Sub {
        @Parameters(paramLabel = "QUEUE")
        String queue;

        @Option(names = "--ticker-max-lag", paramLabel = "INTERVAL", defaultValue = "0",
                description = "ticker_max_lag of a new queue (default ${DEFAULT-VALUE}: it ticks at every ticker run"
                              + " that finds a new event; PgQ's own default is 3s)")
        String tickerMaxLag;

        @Override
        void run(Connection c) throws Exception {
            // one transaction: a bad interval leaves no queue behind
            c.setAutoCommit(false);
            try {
                if (PgqClient.createQueue(c, queue) != 1) {
                    c.rollback();
                    out().println("queue " + queue + " exists");
                    return;
                }
                PgqClient.setQueueConfig(c, queue, "ticker_max_lag", tickerMaxLag);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
            out().println("queue " + queue + " created (ticker_max_lag " + tickerMaxLag + ")");
        }
    }

    @Command(name = "drop-queue", mixinStandardHelpOptions = true, description = "Drop a queue.")
    static final class DropQueue extends Sub {
        @Parameters(paramLabel = "QUEUE")
        String queue;

        @Option(names = "--force", description = "Unregister its consumers first.")
        boolean force;

        @Override
        void run(Connection c) throws Exception {
            PgqClient.dropQueue(c, queue, force);
            out().println("queue " + queue + " dropped");
        }
    }

    @Command(name = "alter-queue", mixinStandardHelpOptions = true,
             description = "Change ticker or rotation settings: --set ticker_max_count=100 --set rotation_period='1 hour'."
                           + " Settings: ticker_max_count, ticker_max_lag, ticker_idle_period, ticker_paused,"
                           + " rotation_period, external_ticker.")
    static final class AlterQueue extends Sub {
        @Parameters(paramLabel = "QUEUE")
        String queue;

        @Option(names = "--set", paramLabel = "KEY=VALUE", required = true)
        Map<String, String> settings;

        @Override
        void run(Connection c) throws Exception {
            c.setAutoCommit(false);
            for (Map.Entry<String, String> e : settings.entrySet()) {
                PgqClient.setQueueConfig(c, queue, e.getKey(), e.getValue());
            }
            c.commit();
            out().println("queue " + queue + " altered");
        }
    }

    /** Base of the subcommands about one consumer of one queue: QUEUE CONSUMER. */
    abstract static class ConsumerSub extends Sub {
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;

        @Parameters(index = "1", paramLabel = "CONSUMER")
        String consumer;
    }

    @Command(name = "register", mixinStandardHelpOptions = true, description = "Register a consumer on a queue.")
    static final class Register extends ConsumerSub {
        @Option(names = "--tick", description = "Start at (or move an existing consumer to) this tick.")
        Long tick;

        @Override
        void run(Connection c) throws Exception {
            int r = PgqClient.registerConsumer(c, queue, consumer, tick);
            out().println(r == 1 ? "consumer " + consumer + " registered on " + queue
                    : tick != null ? "consumer " + consumer + " moved to tick " + tick
                    : "consumer " + consumer + " was registered on " + queue);
        }
    }

    @Command(name = "unregister", mixinStandardHelpOptions = true, description = "Unregister a consumer.")
    static final class Unregister extends ConsumerSub {
        @Override
        void run(Connection c) throws Exception {
            if (PgqClient.unregisterConsumer(c, queue, consumer) == 0) {
                throw new IllegalArgumentException("consumer " + consumer + " is not registered on " + queue);
            }
            out().println("consumer " + consumer + " unregistered from " + queue);
        }
    }

    @Command(name = "queues", mixinStandardHelpOptions = true,
             description = "Show queues: ticker lag, events per second (estimated from event ids), new events not yet ticked.")
    static final class Queues extends Sub {
        @Option(names = "--json", description = "JSON instead of a table.")
        boolean json;

        @Override
        void run(Connection c) throws Exception {
            List<Map<String, Object>> rows = Output.columns(PgqInfo.queueRows(c, null), QUEUE_COLUMNS);
            for (Map<String, Object> r : rows) {
                if (r.get("ev_per_sec_est") instanceof Number n) {
                    r.put("ev_per_sec_est", BigDecimal.valueOf(n.doubleValue()).setScale(1, RoundingMode.HALF_UP));
                }
            }
            Output.print(out(), rows, json);
        }
    }

    /** Base of the listings of one queue or all: [QUEUE] [--json]. */
    abstract static class ListingSub extends Sub {
        @Parameters(arity = "0..1", paramLabel = "QUEUE")
        String queue;

        @Option(names = "--json", description = "JSON instead of a table.")
        boolean json;
    }

    @Command(name = "consumers", mixinStandardHelpOptions = true,
             description = "Show consumers: lag, last seen, pending events (estimated from event ids), open batch.")
    static final class Consumers extends ListingSub {
        @Override
        void run(Connection c) throws Exception {
            Output.print(out(), Output.columns(PgqInfo.consumerRows(c, queue, null), CONSUMER_COLUMNS), json);
        }
    }

    @Command(name = "batches", mixinStandardHelpOptions = true,
             description = "Show open batches (taken by a consumer, not finished yet): ticks, age, event id range.")
    static final class Batches extends ListingSub {
        @Override
        void run(Connection c) throws Exception {
            // seq_end - seq_start counts event ids: rolled-back inserts make it an upper bound
            Output.print(out(), PgqInfo.openBatchRows(c, queue), json);
        }
    }

    @Command(name = "tick", mixinStandardHelpOptions = true,
             description = "Tick now: every queue that is due, or (with QUEUE) that queue whatever its thresholds.")
    static final class Tick extends Sub {
        @Parameters(arity = "0..1", paramLabel = "QUEUE")
        String queue;

        @Override
        void run(Connection c) throws Exception {
            if (queue == null) {
                out().println(PgqClient.ticker(c) + " queue(s) ticked");
            } else {
                out().println("queue " + queue + " at tick " + PgqClient.forceTick(c, queue));
            }
        }
    }

    @Command(name = "maintenance", mixinStandardHelpOptions = true,
             description = "Move due retry events, then one round of pgq.maint_operations() (rotation, vacuum).")
    static final class Maintenance extends Sub {
        @Override
        void run(Connection c) throws Exception {
            long moved = PgqClient.retryEvents(c);
            int steps = PgqClient.maintenance(c);
            out().println(moved + " retry event(s) moved, " + steps + " maintenance step(s) run");
        }
    }

    @Command(name = "insert", mixinStandardHelpOptions = true,
             description = "Insert one event (DATA), or one per line of standard input when DATA is '-' or absent.")
    static final class Insert extends Sub {
        @Parameters(index = "0", paramLabel = "QUEUE")
        String queue;

        @Parameters(index = "1", arity = "0..1", paramLabel = "DATA")
        String data;

        @Option(names = "--type", description = "ev_type (default: none).")
        String type;

        @Override
        void run(Connection c) throws Exception {
            if (data != null && !data.equals("-")) {
                out().println(PgqClient.insertEvent(c, queue, NewEvent.of(type, data)));
                return;
            }
            List<NewEvent> events = new ArrayList<>();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                events.add(NewEvent.of(type, line));
            }
            if (events.isEmpty()) {
                throw new IllegalArgumentException("no events on standard input");
            }
            c.setAutoCommit(false);
            List<Long> ids = PgqClient.insertEvents(c, queue, events);
            c.commit();
            out().println(ids.size() + " event(s) inserted, ids " + ids.get(0) + ".." + ids.get(ids.size() - 1));
        }
    }
}
