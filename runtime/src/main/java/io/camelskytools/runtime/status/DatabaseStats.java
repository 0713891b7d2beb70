package io.camelskytools.runtime.status;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.camelskytools.pgq.ExclusiveConsumer;
import io.camelskytools.pgq.PgqComponent;
import io.camelskytools.pgq.client.ConsumerInfo;
import io.camelskytools.pgq.client.PgqInfo;
import io.camelskytools.pgq.client.QueueInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * What every queue and consumer of a database looks like, read from the database every
 * {@code period}: Prometheus gauges (pgq_queue_*, pgq_consumer_*, tagged db/queue/consumer)
 * health checks, and the rows of the status page ({@link StatusBoard}).
 * {@code pgq-ticker-<db>} is DOWN when a queue that should tick has not ticked for
 * {@code maxTickerLag}, or the database cannot be read; {@code pgq-consumers-<db>} (only
 * with a {@code maxConsumerLag}) is DOWN when a consumer's position is older than that.
 * The runtimes with cluster sessions in the database ({@link ClusterMembers}) and which one
 * leads each of this runtime's exclusive consumers come with each read;
 * {@code pgq-active-<db>} is DOWN when such a consumer has had no leader anywhere for two
 * reads in a row (a takeover is shorter than that).
 */
public final class DatabaseStats extends RouteBuilder {

    private final String db;
    private final String bean;
    private final Duration period;
    private final Duration maxTickerLag;
    private final Duration maxConsumerLag;
    private final StatusBoard board;
    private volatile String tickerProblem = "not read yet";
    private volatile String consumerProblem = "not read yet";
    private volatile String activeProblem;
    /** Namespaces of exclusive consumers that had no leader at the previous read. */
    private Set<String> leaderless = Set.of();
    private volatile Map<String, Object> details = Map.of();

    /** {@code maxConsumerLag} null: no consumer lag check. */
    public DatabaseStats(String db, String bean, Duration period, Duration maxTickerLag, Duration maxConsumerLag,
                         StatusBoard board) {
        this.db = db;
        this.bean = bean;
        this.period = period;
        this.maxTickerLag = maxTickerLag;
        this.maxConsumerLag = maxConsumerLag;
        this.board = board;
    }

    @Override
    public void configure() {
        MeterRegistry meters = getContext().getRegistry().findSingleByType(MeterRegistry.class);
        MultiGauge tickerLag = meters == null ? null : MultiGauge.builder("pgq.queue.ticker.lag.seconds")
                .description("time since the queue's last tick").register(meters);
        MultiGauge evPerSec = meters == null ? null : MultiGauge.builder("pgq.queue.events.per.second")
                .description("estimate: event ids per second over the last ticks (forced ticks and rolled-back inserts count)").register(meters);
        MultiGauge evNew = meters == null ? null : MultiGauge.builder("pgq.queue.events.new")
                .description("events not yet in a tick").register(meters);
        MultiGauge lag = meters == null ? null : MultiGauge.builder("pgq.consumer.position.lag.seconds")
                .description("age of the consumer's position").register(meters);
        MultiGauge lastSeen = meters == null ? null : MultiGauge.builder("pgq.consumer.last.seen.seconds")
                .description("time since the consumer last asked for or finished a batch").register(meters);
        MultiGauge pending = meters == null ? null : MultiGauge.builder("pgq.consumer.pending.events")
                .description("estimate: event ids between the consumer's position and the latest tick (forced ticks and"
                        + " rolled-back inserts count)").register(meters);
        MultiGauge members = meters == null ? null : MultiGauge.builder("skytools.cluster.members")
                .description("runtimes with cluster sessions in this database (skytools-cluster <id> in pg_stat_activity)")
                .register(meters);
        MultiGauge leaders = meters == null ? null : MultiGauge.builder("skytools.cluster.leader")
                .description("1 for the member that holds a namespace's lock in this database").register(meters);
        MultiGauge active = meters == null ? null : MultiGauge.builder("pgq.consumer.active")
                .description("exclusive consumers of this runtime: 1 while this runtime takes their batches, 0 standing by")
                .register(meters);
        HealthCheckRegistry health = HealthCheckRegistry.get(getContext());
        if (health != null) {
            health.register(new ProblemHealthCheck("pgq", "pgq-active-" + db, () -> activeProblem, () -> details));
            health.register(new ProblemHealthCheck("pgq", "pgq-ticker-" + db, () -> tickerProblem, () -> details));
            if (maxConsumerLag != null) {
                health.register(new ProblemHealthCheck("pgq", "pgq-consumers-" + db, () -> consumerProblem, () -> details));
            }
        }
        DataSource ds = getContext().getRegistry().lookupByNameAndType(bean, DataSource.class);

        from("timer:pgq-stats-" + db + "?delay=0&period=" + period.toMillis()).routeId("pgq-stats-" + db)
                .process(e -> {
                    List<MultiGauge.Row<?>> tl = new ArrayList<>();
                    List<MultiGauge.Row<?>> eps = new ArrayList<>();
                    List<MultiGauge.Row<?>> en = new ArrayList<>();
                    List<MultiGauge.Row<?>> cl = new ArrayList<>();
                    List<MultiGauge.Row<?>> ls = new ArrayList<>();
                    List<MultiGauge.Row<?>> pe = new ArrayList<>();
                    List<StatusBoard.QueueRow> queueRows = new ArrayList<>();
                    List<StatusBoard.ConsumerRow> consumerRows = new ArrayList<>();
                    String stalled = null;
                    String lagging = null;
                    try (Connection c = ds.getConnection()) {
                        for (QueueInfo q : PgqInfo.queues(c, null)) {
                            double tickerAge = seconds(q.tickerLag());
                            double perSec = q.evPerSec() == null ? 0 : q.evPerSec();
                            queueRows.add(new StatusBoard.QueueRow(q.queueName(), tickerAge, perSec, q.evNew()));
                            Tags t = Tags.of("db", db, "queue", q.queueName());
                            tl.add(MultiGauge.Row.of(t, tickerAge));
                            eps.add(MultiGauge.Row.of(t, perSec));
                            en.add(MultiGauge.Row.of(t, q.evNew()));
                            if (q.tickedHere() && tickerAge > seconds(maxTickerLag) && stalled == null) {
                                stalled = "queue " + q.queueName() + " has not ticked for " + Math.round(tickerAge)
                                          + " s: is a ticker running?";
                            }
                        }
                        for (ConsumerInfo ci : PgqInfo.consumers(c, null, null)) {
                            double age = seconds(ci.lag());
                            consumerRows.add(new StatusBoard.ConsumerRow(ci.queueName(), ci.consumerName(), age,
                                    seconds(ci.lastSeen()), ci.pendingEvents()));
                            if (maxConsumerLag != null && lagging == null && age > seconds(maxConsumerLag)) {
                                lagging = "consumer " + ci.consumerName() + " of queue " + ci.queueName() + " lags "
                                          + Math.round(age) + " s (more than " + maxConsumerLag.toSeconds() + " s)";
                            }
                            Tags t = Tags.of("db", db, "queue", ci.queueName(), "consumer", ci.consumerName());
                            cl.add(MultiGauge.Row.of(t, age));
                            ls.add(MultiGauge.Row.of(t, seconds(ci.lastSeen())));
                            pe.add(MultiGauge.Row.of(t, ci.pendingEvents()));
                        }
                        List<ExclusiveConsumer> exclusive = exclusiveConsumersOn(ds);
                        Set<String> known = new LinkedHashSet<>(board.singletonNamespaces());
                        exclusive.forEach(x -> known.add(x.namespace()));
                        ClusterMembers.Reading cluster = ClusterMembers.read(c, known);
                        List<StatusBoard.ExclusiveRow> exclusiveRows = new ArrayList<>();
                        Set<String> noLeader = new HashSet<>();
                        String orphaned = null;
                        for (ExclusiveConsumer x : exclusive) {
                            String leader = cluster.leaderOf(x.namespace());
                            exclusiveRows.add(new StatusBoard.ExclusiveRow(x.queue(), x.consumer(), x.namespace(), leader,
                                    x.active()));
                            if (leader == null) {
                                noLeader.add(x.namespace());
                                if (orphaned == null && leaderless.contains(x.namespace())) {
                                    orphaned = "consumer " + x.consumer() + " of queue " + x.queue() + " has no active"
                                               + " instance: no runtime has held the lock of '" + x.namespace()
                                               + "' for two reads";
                                }
                            }
                        }
                        leaderless = noLeader;
                        activeProblem = orphaned;
                        board.updateCluster(db, cluster.members(), exclusiveRows);
                        if (members != null) {
                            members.register(List.of(MultiGauge.Row.of(Tags.of("db", db), cluster.members().size())), true);
                            List<MultiGauge.Row<?>> lr = new ArrayList<>();
                            for (ClusterMembers.Member m : cluster.members()) {
                                m.leads().forEach(ns -> lr.add(MultiGauge.Row.of(
                                        Tags.of("db", db, "namespace", ns, "member", m.member()), 1)));
                            }
                            leaders.register(lr, true);
                            List<MultiGauge.Row<?>> ar = new ArrayList<>();
                            exclusive.forEach(x -> ar.add(MultiGauge.Row.of(
                                    Tags.of("db", db, "queue", x.queue(), "consumer", x.consumer()), x.active() ? 1 : 0)));
                            active.register(ar, true);
                        }
                        tickerProblem = stalled;
                        consumerProblem = lagging;
                        details = Map.of("db", db, "queues", queueRows.size(), "consumers", consumerRows.size());
                        board.update(db, queueRows, consumerRows, stalled != null ? stalled : lagging,
                                System.currentTimeMillis());
                    } catch (Exception ex) {
                        tickerProblem = "cannot read database " + db + ": " + ex.getMessage();
                        consumerProblem = tickerProblem;
                        activeProblem = tickerProblem;
                        board.failed(db, tickerProblem, System.currentTimeMillis());
                        return;
                    }
                    if (tickerLag != null) {
                        tickerLag.register(tl, true);
                        evPerSec.register(eps, true);
                        evNew.register(en, true);
                        lag.register(cl, true);
                        lastSeen.register(ls, true);
                        pending.register(pe, true);
                    }
                });
    }

    /** This runtime's exclusive consumers whose locks are in {@code database}. */
    private List<ExclusiveConsumer> exclusiveConsumersOn(DataSource database) {
        // hasComponent: a runtime without pgq: endpoints gets no component made here
        if (getContext().hasComponent("pgq") instanceof PgqComponent pgq) {
            return pgq.exclusiveConsumers().stream().filter(x -> x.lockDatabase() == database).toList();
        }
        return List.of();
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
