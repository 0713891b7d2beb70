package io.camelskytools.londiste.copy;

/** How far a table's COPY has come: rows and bytes moved, time spent. */
public record CopyProgress(String table, long rows, long bytes, long nanos) {

    public double rowsPerSecond() {
        return nanos == 0 ? 0 : rows * 1e9 / nanos;
    }

    @Override
    public String toString() {
        return String.format("%s: %d rows, %.1f MB in %.1f s (%.0f rows/s)", table, rows, bytes / 1e6, nanos / 1e9,
                rowsPerSecond());
    }
}
