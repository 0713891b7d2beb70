package io.camelskytools.runtime.run;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import io.camelskytools.jdbc.QueryRows;

/**
 * Why the demo consumer prints events in groups: the ticker runs every period, but a queue
 * only ticks once ticker_max_lag has passed since its last tick (or ticker_max_count events
 * wait), and a consumer gets whole ticks. Read from the queue, so the line stays true when
 * the thresholds change.
 */
final class DemoPace {

    private DemoPace() {
    }

    static String describe(Connection c) throws SQLException {
        List<Map<String, Object>> rows = QueryRows.list(c, "select extract(epoch from queue_ticker_max_lag)::float8 as lag,"
                + " queue_ticker_max_count as count from pgq.get_queue_info(?)", "demo");
        if (rows.isEmpty()) {
            return "skytools: no queue 'demo' yet: the demo routes wait for it";
        }
        double lag = ((Number) rows.get(0).get("lag")).doubleValue();
        Object count = rows.get(0).get("count");
        if (lag == 0) {
            return "skytools: queue 'demo' ticks at every ticker run that finds a new event (ticker_max_lag 0), so"
                   + " demo-reader gets each event on its own";
        }
        String lagText = lag == Math.rint(lag) ? (long) lag + " s" : lag + " s";
        return "skytools: queue 'demo' ticks once its ticker_max_lag (" + lagText + ") has passed since the last tick"
               + " or ticker_max_count (" + count + ") events wait, so demo-reader gets the events of about " + lagText
               + " together (`skytools pgq alter-queue demo --set ticker_max_lag=0` shows each one alone)";
    }
}
