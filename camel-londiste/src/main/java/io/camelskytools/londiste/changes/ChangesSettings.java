package io.camelskytools.londiste.changes;

import java.time.Duration;

import javax.sql.DataSource;

/**
 * What a {@code londiste:changes} consumer runs with: the node database whose queue it
 * reads, its cascaded consumer name, which tables, the body format, per row or per batch,
 * how long it waits for a tick when idle and after a failed batch.
 */
public record ChangesSettings(DataSource dataSource, String queue, String consumer, TableFilter tables,
                              ChangeFormat format, boolean batchMode, int maxRowsPerExchange, int fetchSize,
                              Duration idleWait, Duration retryDelay) {
}
