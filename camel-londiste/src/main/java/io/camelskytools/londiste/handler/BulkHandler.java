package io.camelskytools.londiste.handler;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;

import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.pgq.client.PgqEvent;

/**
 * {@code bulk}: the table's changes of a batch are written at its end in bulk ({@link BulkLoad})
 * instead of a statement per event. A truncate writes what was collected first, then truncates.
 */
final class BulkHandler implements LondisteHandler {

    static final HandlerFactory FACTORY = new HandlerFactory() {
        @Override
        public String name() {
            return "bulk";
        }

        @Override
        public String description() {
            return "Bulk loading: a batch's changes per key are merged and written at its end, inserts by COPY,"
                   + " updates and deletes through a temp table. Arguments: method=0|1|2 (default 0; 0 updates in"
                   + " place, 1 deletes and inserts updated rows, 2 as 1 with the inserts merged into the updates).";
        }

        @Override
        public LondisteHandler create(String table, Map<String, String> args) {
            Handlers.checkArgs(name(), args, Set.of("method"));
            return new BulkHandler(method(args.getOrDefault("method", "0")));
        }
    };

    private final int method;
    private BulkLoad load;
    private String loadTable;

    private BulkHandler(int method) {
        this.method = method;
    }

    static int method(String v) {
        try {
            int m = Integer.parseInt(v.strip());
            if (m >= 0 && m <= 2) {
                return m;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("unknown method: " + v + " (handler bulk takes method=0, 1 or 2)");
    }

    @Override
    public void process(PgqEvent ev, HandlerContext context) throws SQLException {
        if (load == null || !loadTable.equals(context.destination())) {
            load = new BulkLoad(context.destination(), method, false);
            loadTable = context.destination();
        }
        if (RowEvents.isTruncate(ev)) {
            load.flush(context.target());
            try (Statement st = context.target().createStatement()) {
                st.execute("truncate " + SqlNames.quoteFqName(context.destination()) + " cascade");
            }
            return;
        }
        load.add(RowEvents.change(name(), ev), context.target());
    }

    private static String name() {
        return "bulk";
    }

    @Override
    public void discard() {
        load = null;
    }

    @Override
    public void finishBatch(HandlerContext context) throws SQLException {
        if (load != null) {
            load.flush(context.target());
        }
    }
}
