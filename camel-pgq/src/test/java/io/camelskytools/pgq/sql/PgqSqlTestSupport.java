package io.camelskytools.pgq.sql;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.PgTestConfig;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SQL behaviour suite: runs against our sql/pgq and, in the compatibility run,
 * against Skytools' PgQ (pgtest.schema=skytools). Where the two are meant to differ,
 * the test says so and docs/compatibility.md gives the reason.
 */
abstract class PgqSqlTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    static boolean skytools() {
        return PgTestConfig.skytoolsSchema();
    }

    /** Makes a tick now, whatever the ticker thresholds say. Returns the new tick id. */
    static long tick(Sql s, String queue) throws SQLException {
        long before = s.longValue("select pgq.force_tick(?)", queue);
        s.exec("select pgq.ticker()");
        long after = s.longValue("select last_tick_id from pgq.get_queue_info(?)", queue);
        if (after <= before) {
            throw new AssertionError("no tick was made in " + queue);
        }
        return after;
    }

    /** Reads the next batch of {@code consumer} and finishes it; returns its ev_data values (null: no batch). */
    static List<Object> consume(Sql s, String queue, String consumer) throws SQLException {
        Object batch = s.value("select pgq.next_batch(?, ?)", queue, consumer);
        if (batch == null) {
            return null;
        }
        List<Object> data = s.column("select ev_data from pgq.get_batch_events(?)", batch);
        s.exec("select pgq.finish_batch(?)", batch);
        return data;
    }

    /** The event table {@code queue}'s inserts go to now, as {@code pgq.event_<id>_<n>}. */
    static String currentEventTable(Sql s, String queue) throws SQLException {
        return (String) s.value("select queue_data_pfx || '_' || queue_cur_table from pgq.queue where queue_name = ?", queue);
    }

    static List<Map<String, Object>> events(Sql s, long batch) throws SQLException {
        return s.rows("select * from pgq.get_batch_events(?)", batch);
    }
}
