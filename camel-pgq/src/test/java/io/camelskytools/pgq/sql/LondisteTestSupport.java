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

/**
 * Helpers of the londiste behaviour suite. Its tests run against our sql/londiste and, in
 * the compatibility run, against Skytools' londiste-sql 3.8 (pgtest.schema=skytools); where
 * the two are meant to differ, the test says so and docs/compatibility.md gives the reason.
 * Each test class registers its own servers ({@code PgExtension.servers(n).withLondiste()}).
 */
abstract class LondisteTestSupport {

    static boolean skytools() {
        return PgTestConfig.skytoolsSchema();
    }

    /** {@code select * from londiste.<function>(args)}: its one row. */
    static Map<String, Object> call(Sql s, String function, Object... args) throws SQLException {
        StringJoiner params = new StringJoiner(", ", "(", ")");
        for (Object a : args) {
            params.add(a instanceof String[] ? "?::text[]" : "?");
        }
        Object[] bound = Arrays.stream(args)
                .map(a -> a instanceof String[] arr ? toArrayLiteral(arr) : a).toArray();
        return s.row("select * from londiste." + function + params, bound);
    }

    /** Calls a londiste function that returns (ret_code, ret_note, ...) and checks both. */
    static Map<String, Object> expect(Sql s, int code, String note, String function, Object... args)
            throws SQLException {
        Map<String, Object> row = call(s, function, args);
        assertThat(row).as("%s%s", function, Arrays.deepToString(args))
                .containsEntry("ret_code", code).containsEntry("ret_note", note);
        return row;
    }

    /** A text[] literal, every element quoted. */
    static String toArrayLiteral(String[] items) {
        StringJoiner j = new StringJoiner(",", "{", "}");
        for (String i : items) {
            j.add('"' + i.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
        }
        return j.toString();
    }

    static String[] args(String... a) {
        return a;
    }

    /** This database as the root of {@code queue} (node n1). */
    static void root(Sql s, String queue) throws SQLException {
        s.exec("select * from pgq_node.register_location(?, 'n1', 'dbname=n1', false)", queue);
        s.exec("select * from pgq_node.create_node(?, 'root', 'n1', 'w1', null, null, null)", queue);
    }

    /** This database as a branch of {@code queue} (node n2 under n1, without a real provider). */
    static void branch(Sql s, String queue) throws SQLException {
        s.exec("select * from pgq_node.register_location(?, 'n1', 'dbname=n1', false)", queue);
        s.exec("select * from pgq_node.register_location(?, 'n2', 'dbname=n2', false)", queue);
        s.exec("select * from pgq_node.create_node(?, 'branch', 'n2', 'w2', 'n1', 1, null)", queue);
    }

    /** This database as a leaf of {@code queue} (node n3 under n1). */
    static void leaf(Sql s, String queue) throws SQLException {
        s.exec("select * from pgq_node.register_location(?, 'n1', 'dbname=n1', false)", queue);
        s.exec("select * from pgq_node.register_location(?, 'n3', 'dbname=n3', false)", queue);
        s.exec("select * from pgq_node.create_node(?, 'leaf', 'n3', 'w3', 'n1', 1, null)", queue);
    }

    /** The user triggers of a table: "name: definition", by name. */
    static List<Object> triggers(Sql s, String table) throws SQLException {
        return s.column("select tgname || ': ' || pg_get_triggerdef(oid) from pg_catalog.pg_trigger"
                + " where tgrelid = ?::regclass and not tgisinternal order by tgname", table);
    }

    /** The events in the queue, oldest first: "type|data|extra1|extra2". */
    static List<Object> events(Sql s, String queue) throws SQLException {
        String table = (String) s.value("select queue_data_pfx from pgq.queue where queue_name = ?", queue);
        return s.column("select concat_ws('|', ev_type, ev_data, coalesce(ev_extra1, ''), coalesce(ev_extra2, ''))"
                + " from " + table + " order by ev_id");
    }

    /** Everything londiste keeps, the events and the triggers in public: to show a call changed nothing. */
    static Map<String, List<Map<String, Object>>> state(Sql s) throws SQLException {
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        out.put("table_info", s.rows("select * from londiste.table_info order by queue_name, table_name"));
        out.put("seq_info", s.rows("select * from londiste.seq_info order by queue_name, seq_name"));
        out.put("applied_execute", s.rows("select queue_name, execute_file, execute_sql from londiste.applied_execute order by 2"));
        out.put("pending_fkeys", s.rows("select * from londiste.pending_fkeys order by 1, 3"));
        out.put("events", s.rows("select ev_id, ev_type, ev_data from pgq.event_template order by ev_id"));
        out.put("triggers", s.rows("select tgrelid::regclass::text as rel, tgname from pg_catalog.pg_trigger"
                + " where not tgisinternal and tgrelid::regclass::text not like 'londiste.%' order by 1, 2"));
        out.put("relations", s.rows("select oid::regclass::text as rel from pg_catalog.pg_class"
                + " where relnamespace = 'public'::regnamespace order by 1"));
        return out;
    }
}
