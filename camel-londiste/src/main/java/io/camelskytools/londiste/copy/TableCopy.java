package io.camelskytools.londiste.copy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;

import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.londiste.table.TableColumns;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/**
 * Streams one table from the provider into the target: {@code COPY ... TO STDOUT} on the
 * provider's connection, each chunk written straight into {@code COPY ... FROM STDIN} on
 * the target's, no file in between. Only the columns both sides have are copied.
 */
public final class TableCopy {

    private static final long REPORT_EVERY_NANOS = 10_000_000_000L;

    private TableCopy() {
    }

    /**
     * Copies {@code source} (on the provider) into {@code destination} (on the target), in the
     * callers' transactions; {@code condition} (an SQL expression, or null) filters the rows.
     * {@code progress} hears about it every 10 s.
     */
    public static CopyProgress copy(Connection provider, Connection target, String source, String destination,
                                    String condition, Consumer<CopyProgress> progress) throws SQLException {
        List<String> columns = TableColumns.common(provider, source, target, destination);
        if (columns.isEmpty()) {
            throw new SQLException("tables " + source + " (provider) and " + destination
                                   + " (target) have no column in common");
        }
        String cols = String.join(", ", columns.stream().map(SqlNames::quoteIdent).toList());
        String select = "select " + cols + " from only " + SqlNames.quoteFqName(source)
                        + (condition == null || condition.isBlank() ? "" : " where " + condition);
        CopyOut out = provider.unwrap(PGConnection.class).getCopyAPI().copyOut("copy (" + select + ") to stdout");
        CopyIn in;
        try {
            in = target.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("copy " + SqlNames.quoteFqName(destination) + " (" + cols + ") from stdin");
        } catch (SQLException e) {
            out.cancelCopy();
            throw e;
        }
        long started = System.nanoTime();
        long lastReport = started;
        long bytes = 0;
        long rows = 0;
        try {
            for (byte[] chunk = out.readFromCopy(); chunk != null; chunk = out.readFromCopy()) {
                in.writeToCopy(chunk, 0, chunk.length);
                bytes += chunk.length;
                rows++;
                long now = System.nanoTime();
                if (now - lastReport >= REPORT_EVERY_NANOS) {
                    progress.accept(new CopyProgress(source, rows, bytes, now - started));
                    lastReport = now;
                }
            }
            rows = in.endCopy();
        } catch (SQLException | RuntimeException e) {
            if (in.isActive()) {
                in.cancelCopy();
            }
            if (out.isActive()) {
                out.cancelCopy();
            }
            throw e;
        }
        return new CopyProgress(source, rows, bytes, System.nanoTime() - started);
    }
}
