package io.camelskytools.pgq.sql;

import static io.camelskytools.pgq.sql.PgqNodeTestSupport.code;
import static io.camelskytools.pgq.sql.PgqNodeTestSupport.expect;
import static io.camelskytools.pgq.sql.PgqNodeTestSupport.jdbcUrl;
import static io.camelskytools.pgq.sql.PgqNodeTestSupport.node;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.camelskytools.pgq.harness.Sql;

/**
 * The cascaded worker of one node, cut down to what the pgq_node tests need and going
 * about it as python-pgq's CascadedWorker does; {@link #round()} is one turn of its loop.
 * It reads the provider named by the node's own state (reconnecting when that changes),
 * replays the cascade events (pgq.*), and then:
 * <ul>
 * <li>on a branch copies every event with its id into the local queue and makes the
 * provider's tick here, after the copy has committed;</li>
 * <li>on a leaf applies the data events into the target's table {@code applied(ev_id
 * primary key, ev_data)}, in the transaction that records the tick.</li>
 * </ul>
 */
final class NodeTestWorker implements AutoCloseable {

    private final Sql target;
    private final String queue;
    private Sql provider;
    private String providerLocation;
    private long maxEventId;
    /** When set, the next round stops right after the target's commit, as a crash would. */
    boolean crashAfterTargetCommit;

    NodeTestWorker(Sql target, String queue) {
        this.target = target;
        this.queue = queue;
    }

    /**
     * One round: returns the tick of the batch it finished, or null when there was no
     * batch (or the worker is paused, or it "crashed").
     */
    Long round() throws SQLException {
        Map<String, Object> info = node(target, "get_node_info", queue);
        assertThat(code(info)).as("get_node_info: %s", info).isEqualTo(100);
        String worker = (String) info.get("worker_name");
        Map<String, Object> st = node(target, "get_consumer_state", queue, worker);
        assertThat(code(st)).as("get_consumer_state: %s", st).isEqualTo(100);
        if (Boolean.TRUE.equals(st.get("paused"))) {
            return null;
        }
        if (!Boolean.TRUE.equals(st.get("uptodate"))) {
            expect(target, 200, "Consumer uptodate = 1", "set_consumer_uptodate", queue, worker, true);
        }
        boolean branch = "branch".equals(st.get("node_type"));
        assertThat(st.get("node_type")).as("a root's worker has no batches").isNotEqualTo("root");
        connect((String) st.get("provider_location"));

        Object batchId = provider.value("select pgq.next_batch(?, ?)", queue, worker);
        if (batchId == null) {
            return null;
        }
        Map<String, Object> batch = provider.row("select * from pgq.get_batch_info(?)", batchId);
        long prev = ((Number) batch.get("prev_tick_id")).longValue();
        long cur = ((Number) batch.get("tick_id")).longValue();
        long completed = ((Number) st.get("completed_tick")).longValue();
        if (cur == completed) {
            // applied here before a crash, never finished on the provider
            if (branch && PgqNodeTestSupport.lastTick(target, queue) != cur) {
                assertThat(PgqNodeTestSupport.lastTick(target, queue)).isEqualTo(prev);
                makeTick(cur, batch.get("batch_end"));
            }
            provider.exec("select pgq.finish_batch(?)", batchId);
            return cur;
        }
        if (prev != completed) {
            throw new AssertionError("Lost position: batch " + prev + ".." + cur + ", target has " + completed);
        }

        List<Map<String, Object>> events = provider.rows("select * from pgq.get_batch_events(?) order by ev_id", batchId);
        target.begin();
        try {
            String table = null;
            if (branch) {
                // the queue is closed to producers on a branch; the worker writes as a replica
                target.exec("set local session_replication_role = replica");
                table = (String) target.value("select pgq.current_event_table(?)", queue);
            }
            for (Map<String, Object> ev : events) {
                String type = (String) ev.get("ev_type");
                if (branch) {
                    target.exec("insert into " + table + " (ev_id, ev_time, ev_type, ev_data, ev_extra1, ev_extra2,"
                            + " ev_extra3, ev_extra4) values (?, ?, ?, ?, ?, ?, ?, ?)", ev.get("ev_id"),
                            ev.get("ev_time"), type, ev.get("ev_data"), ev.get("ev_extra1"), ev.get("ev_extra2"),
                            ev.get("ev_extra3"), ev.get("ev_extra4"));
                }
                if (type.startsWith("pgq.")) {
                    replay(ev, branch);
                } else if (!branch) {
                    target.exec("insert into applied (ev_id, ev_data) values (?, ?)", ev.get("ev_id"), ev.get("ev_data"));
                }
                maxEventId = Math.max(maxEventId, ((Number) ev.get("ev_id")).longValue());
            }
            expect(target, 100, "Consumer " + worker + " completed tick = " + cur, "set_consumer_completed", queue,
                    worker, cur);
            target.commit();
        } catch (SQLException | RuntimeException e) {
            target.rollback();
            throw e;
        }
        if (crashAfterTargetCommit) {
            crashAfterTargetCommit = false;
            provider.close();
            provider = null;
            providerLocation = null;
            return null;
        }
        if (branch) {
            makeTick(cur, batch.get("batch_end"));
        }
        provider.exec("select pgq.finish_batch(?)", batchId);
        return cur;
    }

    /** Rounds until the node has committed {@code tick}; fails when the batches run out first. */
    void catchUp(long tick) throws SQLException {
        for (int i = 0; i < 1000; i++) {
            if (completedTick() >= tick) {
                return;
            }
            if (round() == null && completedTick() < tick) {
                throw new AssertionError("no more batches for " + queue + " but completed tick " + completedTick()
                        + " < " + tick);
            }
        }
        throw new AssertionError("did not reach tick " + tick);
    }

    long completedTick() throws SQLException {
        return ((Number) node(target, "get_worker_state", queue).get("completed_tick")).longValue();
    }

    /** Tells the provider how far back this node (and those below it) still need the queue. */
    Map<String, Object> publishWatermark() throws SQLException {
        Map<String, Object> info = node(target, "get_node_info", queue);
        connect((String) info.get("provider_location"));
        Map<String, Object> r = node(provider, "set_subscriber_watermark", queue, info.get("node_name"),
                info.get("local_watermark"));
        assertThat(code(r)).as("set_subscriber_watermark: %s", r).isIn(100, 200);
        return r;
    }

    private void replay(Map<String, Object> ev, boolean branch) throws SQLException {
        assertThat(ev.get("ev_extra1")).as("queue of %s", ev).isEqualTo(queue);
        String data = (String) ev.get("ev_data");
        switch ((String) ev.get("ev_type")) {
        case "pgq.location-info" -> expect(target, 200, "Location registered", "register_location", queue, data,
                ev.get("ev_extra2"), Boolean.valueOf((String) ev.get("ev_extra3")));
        case "pgq.unregister-location" -> assertThat(code(node(target, "unregister_location", queue, data)))
                .isLessThan(400);
        case "pgq.global-watermark" -> {
            if (branch) {
                assertThat(code(node(target, "set_global_watermark", queue, Long.parseLong(data)))).isEqualTo(200);
            }
        }
        default -> throw new AssertionError("unknown cascade event " + ev);
        }
    }

    private void makeTick(long tick, Object time) throws SQLException {
        target.exec("select pgq.ticker(?, ?, ?, ?)", queue, tick, time, maxEventId);
    }

    private void connect(String location) throws SQLException {
        if (location.equals(providerLocation)) {
            return;
        }
        close();
        provider = new Sql(DriverManager.getConnection(jdbcUrl(location)));
        providerLocation = location;
    }

    @Override
    public void close() throws SQLException {
        if (provider != null) {
            provider.close();
            provider = null;
            providerLocation = null;
        }
    }
}
