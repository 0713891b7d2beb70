package io.camelskytools.runtime.status;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.LondisteConsumer;
import io.camelskytools.londiste.config.LondisteConfig;
import io.camelskytools.londiste.copy.CopyProgress;
import io.camelskytools.londiste.node.ConsumerState;
import io.camelskytools.londiste.node.Connections;
import io.camelskytools.londiste.node.NodeClient;
import io.camelskytools.londiste.node.NodeInfo;
import io.camelskytools.londiste.table.TableClient;
import io.camelskytools.londiste.table.TableInfo;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheckRegistry;

/**
 * What {@code skytools run} shows of each Londiste node it works: every {@code period} the
 * node's lag (how old the tick it holds is, by its provider's clock), that tick, its tables'
 * states; as Prometheus gauges ({@code londiste.node.lag.seconds},
 * {@code londiste.node.tick}, {@code londiste.tables} by state, {@code londiste.copy.rows},
 * {@code londiste.copy.bytes} and {@code londiste.copy.rows.per.second} by table), on the status page, and as
 * a health check that is DOWN while the worker reports an error, the node cannot be read, or
 * it lags more than {@code maxLag} without being paused.
 */
public final class LondisteStats extends RouteBuilder {

    private final LondisteConfig node;
    private final Duration period;
    private final Duration maxLag;
    private final StatusBoard board;
    private volatile String problem = "not read yet";

    public LondisteStats(LondisteConfig node, Duration period, Duration maxLag, StatusBoard board) {
        this.node = node;
        this.period = period;
        this.maxLag = maxLag;
        this.board = board;
    }

    @Override
    public void configure() {
        MeterRegistry meters = getContext().getRegistry().findSingleByType(MeterRegistry.class);
        MultiGauge lag = meters == null ? null : MultiGauge.builder("londiste.node.lag.seconds")
                .description("age of the last tick the node holds, by its provider's clock").register(meters);
        MultiGauge tick = meters == null ? null : MultiGauge.builder("londiste.node.tick")
                .description("the last tick the node holds").register(meters);
        MultiGauge tables = meters == null ? null : MultiGauge.builder("londiste.tables")
                .description("tables of the node by copy state (ok, copying, new)").register(meters);
        MultiGauge copyRows = meters == null ? null : MultiGauge.builder("londiste.copy.rows")
                .description("rows moved by the table's copy running now or by its latest one").register(meters);
        MultiGauge copyBytes = meters == null ? null : MultiGauge.builder("londiste.copy.bytes")
                .description("bytes moved by the table's copy running now or by its latest one").register(meters);
        MultiGauge copyRate = meters == null ? null : MultiGauge.builder("londiste.copy.rows.per.second")
                .description("rows per second of the table's copy running now or of its latest one").register(meters);
        HealthCheckRegistry health = HealthCheckRegistry.get(getContext());
        if (health != null) {
            health.register(new ProblemHealthCheck("londiste", "londiste-" + node.jobName(), () -> problem,
                    () -> Map.of("queue", node.queueName(), "job", node.jobName())));
        }
        from("timer:londiste-stats-" + node.jobName() + "?delay=0&period=" + period.toMillis())
                .routeId("londiste-stats-" + node.jobName())
                .process(e -> {
                    StatusBoard.LondisteRow row = read();
                    board.updateLondiste(row);
                    problem = row.problem();
                    if (lag == null || row.tick() == null) {
                        return;
                    }
                    Tags t = Tags.of("queue", row.queue(), "node", row.node());
                    lag.register(row.lagSeconds() == null ? List.of() : List.of(MultiGauge.Row.of(t, row.lagSeconds())),
                            true);
                    tick.register(List.of(MultiGauge.Row.of(t, row.tick())), true);
                    Map<String, Integer> counts = new TreeMap<>(Map.of("ok", 0, "copying", 0, "new", 0));
                    row.tables().values().forEach(s -> counts.merge(bucket(s), 1, Integer::sum));
                    List<MultiGauge.Row<?>> rows = new ArrayList<>();
                    counts.forEach((state, n) -> rows.add(MultiGauge.Row.of(t.and("state", state), n)));
                    tables.register(rows, true);
                    List<MultiGauge.Row<?>> cr = new ArrayList<>();
                    List<MultiGauge.Row<?>> cb = new ArrayList<>();
                    List<MultiGauge.Row<?>> rate = new ArrayList<>();
                    copyProgress().forEach((table, p) -> {
                        Tags tt = t.and("table", table);
                        cr.add(MultiGauge.Row.of(tt, p.rows()));
                        cb.add(MultiGauge.Row.of(tt, p.bytes()));
                        rate.add(MultiGauge.Row.of(tt, p.rowsPerSecond()));
                    });
                    copyRows.register(cr, true);
                    copyBytes.register(cb, true);
                    copyRate.register(rate, true);
                });
    }

    /** The copy figures of this node's worker when it runs in this process (skytools run). */
    private Map<String, CopyProgress> copyProgress() {
        Route route = getContext().getRoute("londiste-" + node.jobName());
        return route != null && route.getConsumer() instanceof LondisteConsumer c ? c.copyProgress() : Map.of();
    }

    private static String bucket(String state) {
        return state == null ? "new" : "ok".equals(state) ? "ok" : "copying";
    }

    private StatusBoard.LondisteRow read() {
        try (Connection c = Connections.open(node.jdbcUrl(), "skytools status")) {
            NodeInfo n = NodeClient.nodeInfo(c, node.queueName());
            if (n == null) {
                return failed("database " + Conninfo.mask(node.db()) + " is no node of queue " + node.queueName());
            }
            Map<String, String> states = new LinkedHashMap<>();
            for (TableInfo t : TableClient.tables(c, node.queueName())) {
                if (t.local()) {
                    states.put(t.name(), t.mergeState());
                }
            }
            Long tick = n.workerLastTick();
            Double lagSeconds = null;
            String error = null;
            boolean paused = n.workerPaused();
            if (!n.isRoot()) {
                ConsumerState st = NodeClient.consumerState(c, node.queueName(), n.worker());
                error = st.error();
                lagSeconds = lag(n.providerLocation(), st.completedTick());
            }
            String why = error != null ? "worker error: " + error
                    : !paused && lagSeconds != null && lagSeconds > maxLag.toSeconds()
                    ? "node " + n.name() + " lags " + Math.round(lagSeconds) + " s (more than " + maxLag.toSeconds()
                      + " s): is its worker applying?" : null;
            return new StatusBoard.LondisteRow(node.jobName(), node.queueName(), n.name(), n.type(), lagSeconds, tick,
                    paused, why, states);
        } catch (SQLException | RuntimeException ex) {
            return failed("cannot read node " + node.jobName() + ": " + ex.getMessage());
        }
    }

    /** Seconds since the provider made {@code tickId} (what the node holds); null when unknown. */
    private Double lag(String providerLocation, long tickId) {
        try (Connection p = Connections.open(Conninfo.parse(providerLocation).jdbcUrl(), "skytools status");
             PreparedStatement ps = p.prepareStatement(
                     "select extract(epoch from now() - t.tick_time)::float8 from pgq.tick t join pgq.queue q"
                     + " on q.queue_id = t.tick_queue where q.queue_name = ? and t.tick_id = ?")) {
            ps.setString(1, node.queueName());
            ps.setLong(2, tickId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getDouble(1) : null;
            }
        } catch (SQLException e) {
            return null;
        }
    }

    private StatusBoard.LondisteRow failed(String why) {
        return new StatusBoard.LondisteRow(node.jobName(), node.queueName(), null, null, null, null, false, why,
                Map.of());
    }
}
