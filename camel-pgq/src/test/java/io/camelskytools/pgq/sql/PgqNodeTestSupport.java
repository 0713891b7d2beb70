package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;

/**
 * Helpers of the pgq_node behaviour suite. Its tests run against our sql/pgq_node and, in
 * the compatibility run, against Skytools' pgq_node 3.5 (pgtest.schema=skytools); where the
 * two are meant to differ, the test says so and docs/compatibility.md gives the reason.
 * Each test class registers its own servers ({@code PgExtension.servers(n).withPgqNode()}).
 */
abstract class PgqNodeTestSupport {

    static boolean skytools() {
        return PgTestConfig.skytoolsSchema();
    }

    /** {@code select * from pgq_node.<function>(args)}: its one row. */
    static Map<String, Object> node(Sql s, String function, Object... args) throws SQLException {
        StringJoiner params = new StringJoiner(", ", "(", ")");
        for (int i = 0; i < args.length; i++) {
            params.add("?");
        }
        return s.row("select * from pgq_node." + function + params, args);
    }

    /** Calls a pgq_node function that returns (ret_code, ret_note, ...) and checks both. */
    static Map<String, Object> expect(Sql s, int code, String note, String function, Object... args)
            throws SQLException {
        Map<String, Object> row = node(s, function, args);
        assertThat(row).as("%s%s", function, Arrays.asList(args).toString())
                .containsEntry("ret_code", code).containsEntry("ret_note", note);
        return row;
    }

    static int code(Map<String, Object> row) {
        return ((Number) row.get("ret_code")).intValue();
    }

    /** The libpq connect string of a test database, as a node location. */
    static String location(TestDb db) {
        return "host=" + db.server().host() + " port=" + db.server().port() + " dbname=" + db.name()
                + " user=" + db.server().user();
    }

    /** A JDBC URL for a location written by {@link #location}: how a worker reaches its provider. */
    static String jdbcUrl(String conninfo) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : conninfo.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            kv.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return "jdbc:postgresql://" + kv.get("host") + ":" + kv.get("port") + "/" + kv.get("dbname")
                + "?user=" + kv.get("user");
    }

    /** Makes a tick in a root's queue now. Returns the new tick id. */
    static long tick(Sql s, String queue) throws SQLException {
        long before = s.longValue("select last_tick_id from pgq.get_queue_info(?)", queue);
        s.exec("select pgq.force_tick(?)", queue);
        s.exec("select pgq.ticker()");
        long after = s.longValue("select last_tick_id from pgq.get_queue_info(?)", queue);
        assertThat(after).as("a new tick in %s", queue).isGreaterThan(before);
        return after;
    }

    static long lastTick(Sql s, String queue) throws SQLException {
        return s.longValue("select last_tick_id from pgq.get_queue_info(?)", queue);
    }

    /** The events of a queue that a consumer of it would see, oldest first (ev_txid left out). */
    static List<Map<String, Object>> queueEvents(Sql s, String queue) throws SQLException {
        String table = (String) s.value("select queue_data_pfx from pgq.queue where queue_name = ?", queue);
        return s.rows("select ev_id, ev_time, ev_type, ev_data, ev_extra1, ev_extra2, ev_extra3, ev_extra4"
                + " from " + table + " order by ev_id");
    }

    static List<Map<String, Object>> ticks(Sql s, String queue) throws SQLException {
        return s.rows("select t.tick_id, t.tick_time from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue"
                + " where q.queue_name = ? order by t.tick_id", queue);
    }

    /** Where pgq consumer {@code consumer} of {@code queue} stands; null when not registered. */
    static Long consumerTick(Sql s, String queue, String consumer) throws SQLException {
        List<Object> ticks = s.column("select last_tick from pgq.get_consumer_info(?, ?)", queue, consumer);
        return ticks.isEmpty() ? null : ((Number) ticks.get(0)).longValue();
    }

    /**
     * Everything pgq_node and pgq keep about nodes, queues and consumers, to show that a
     * call changed nothing.
     */
    static Map<String, List<Map<String, Object>>> state(Sql s) throws SQLException {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        out.put("node_location", s.rows("select * from pgq_node.node_location order by 1, 2"));
        out.put("node_info", s.rows("select * from pgq_node.node_info order by 1"));
        out.put("local_state", s.rows("select * from pgq_node.local_state order by 1, 2"));
        out.put("subscriber_info", s.rows("select * from pgq_node.subscriber_info order by 1, 2"));
        out.put("queue", s.rows("select queue_name, queue_external_ticker, queue_disable_insert"
                + " from pgq.queue order by 1"));
        out.put("consumers", s.rows("select queue_name, consumer_name, last_tick from pgq.get_consumer_info()"
                + " order by 1, 2"));
        out.put("events", s.rows("select ev_id, ev_type, ev_data from pgq.event_template order by ev_id"));
        out.put("ticks", s.rows("select tick_queue, tick_id from pgq.tick order by 1, 2"));
        out.put("tables", s.rows("select n.nspname, c.relname from pg_catalog.pg_class c"
                + " join pg_catalog.pg_namespace n on n.oid = c.relnamespace"
                + " where n.nspname in ('pgq', 'pgq_node', 'public') and c.relkind = 'r' order by 1, 2"));
        return out;
    }

    /** The admin side of {@code create-root}: the node's own location, then the node. */
    static void createRoot(Sql root, String queue, String node, String worker, String location)
            throws SQLException {
        expect(root, 200, "Location registered", "register_location", queue, node, location, false);
        expect(root, 200, "Node \"" + node + "\" initialized for queue \"" + queue + "\" with type \"root\"",
                "create_node", queue, "root", node, worker, null, null, null);
    }

    /**
     * The admin side of {@code create-branch} / {@code create-leaf}, as python-pgq's
     * CascadeAdmin does it: the new member is announced on the root, subscribed on the
     * provider, and the new node learns every member before it is created.
     */
    static void createSubscriber(Sql rootDb, Sql provider, Sql target, String queue, String type, String node,
            String worker, String location, String providerNode, String combinedQueue) throws SQLException {
        expect(rootDb, 200, "Location registered", "register_location", queue, node, location, false);
        if (provider != rootDb) {
            expect(provider, 200, "Location registered", "register_location", queue, node, location, false);
        }
        Map<String, Object> sub = expect(provider, 200, "Subscriber registered: " + node,
                "register_subscriber", queue, node, worker, null);
        long globalWatermark = ((Number) sub.get("global_watermark")).longValue();
        for (Map<String, Object> m : provider.rows("select * from pgq_node.get_queue_locations(?)", queue)) {
            expect(target, 200, "Location registered", "register_location", queue, m.get("node_name"),
                    m.get("node_location"), m.get("dead"));
        }
        expect(target, 200, "Node \"" + node + "\" initialized for queue \"" + queue + "\" with type \"" + type + "\"",
                "create_node", queue, type, node, worker, providerNode, globalWatermark, combinedQueue);
    }
}
