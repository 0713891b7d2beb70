package io.camelskytools.londiste.compare;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.londiste.table.TableColumns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * londiste3's repair: each table in sync here is read on the provider and here at the same
 * point of the queue, both in primary key order, and walked side by side; a row missing here
 * becomes an insert, one too many a delete, one that differs an update. The statements go to
 * {@code fix.<table>.sql}, or with {@code apply} are run here in one transaction per table,
 * with triggers and foreign keys off (session_replication_role = replica) as the worker does.
 */
public final class TableRepair {

    private static final Logger LOG = LoggerFactory.getLogger(TableRepair.class);

    /**
     * The outcome for one table. {@code skipped}: not looked at (not in sync); {@code problem}:
     * cannot be repaired (no or different primary keys). {@code fixFile} is null when applied
     * or when nothing differs.
     */
    public record Result(String table, String skipped, String problem, long sourceRows, long targetRows,
                         long inserts, long updates, long deletes, Path fixFile, boolean applied) {

        public long fixes() {
            return inserts + updates + deletes;
        }

        /** Whether the table still differs from the provider's after this run (or could not be checked). */
        public boolean bad() {
            return problem != null || fixes() > 0 && !applied;
        }
    }

    private final String queue;
    private final Duration lockTimeout;
    private final boolean force;
    private final String repairWhere;
    private final boolean apply;
    private final Path fixDir;

    /**
     * {@code repairWhere}: an SQL condition added to the table's own (null for none);
     * {@code fixDir}: where the fix files go.
     */
    public TableRepair(String queue, Duration lockTimeout, boolean force, String repairWhere, boolean apply,
                       Path fixDir) {
        this.queue = queue;
        this.lockTimeout = lockTimeout;
        this.force = force;
        this.repairWhere = repairWhere;
        this.apply = apply;
        this.fixDir = fixDir;
    }

    /** The file londiste3 writes the fixes of {@code table} to. */
    public static String fixFileName(String table) {
        return "fix." + table + ".sql";
    }

    /** Repairs {@code tables} (all local ones when empty) of the node at {@code targetUrl}. */
    public List<Result> repair(String targetUrl, List<String> tables) throws SQLException, InterruptedException {
        List<Result> out = new ArrayList<>();
        for (SyncedTables.Outcome<Result> o : new SyncedTables(queue, lockTimeout, force, "londiste repair")
                .walk(targetUrl, tables, pair -> repairOne(pair, targetUrl))) {
            out.add(o.skipped() != null ? new Result(o.table(), o.skipped(), null, 0, 0, 0, 0, 0, null, false)
                    : o.value());
        }
        return out;
    }

    private Result repairOne(SyncedTables.Pair pair, String targetUrl) throws SQLException {
        String source = pair.onProvider().destination();
        String dest = pair.local().destination();
        List<String> key = TableColumns.primaryKey(pair.providerSnap(), source);
        if (key.isEmpty()) {
            return problem(pair, "table " + source + " has no primary key on the provider");
        }
        if (!key.equals(TableColumns.primaryKey(pair.targetSnap(), dest))) {
            return problem(pair, "pkeys do not match: " + key + " on the provider, "
                                 + TableColumns.primaryKey(pair.targetSnap(), dest) + " here");
        }
        List<String> columns = new ArrayList<>(key);
        for (String c : TableColumns.common(pair.providerSnap(), source, pair.targetSnap(), dest)) {
            if (!key.contains(c)) {
                columns.add(c);
            }
        }
        String condition = condition(pair.condition());
        Path file = fixDir.resolve(fixFileName(dest));
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove old " + file + ": " + e.getMessage(), e);
        }
        LOG.info("londiste {}: checking {}{}", queue, dest, condition == null ? "" : " where " + condition);
        try (FixSink sink = apply ? new FixApply(targetUrl, dest) : new FixFile(file);
             SortedRows src = new SortedRows(pair.providerSnap(), source, columns, key.size(), condition);
             SortedRows dst = new SortedRows(pair.targetSnap(), dest, columns, key.size(), condition)) {
            long[] counts = walk(src, dst, new FixSql(dest, columns, key.size()), key.size(), sink);
            sink.finish();
            long fixes = counts[0] + counts[1] + counts[2];
            LOG.info("londiste {}: finished {}: src: {} rows, dst: {} rows, missed: {} inserts, {} updates,"
                     + " {} deletes", queue, dest, src.count(), dst.count(), counts[0], counts[1], counts[2]);
            return new Result(pair.local().name(), null, null, src.count(), dst.count(), counts[0], counts[1],
                    counts[2], apply || fixes == 0 ? null : file, apply && fixes > 0);
        }
    }

    private static Result problem(SyncedTables.Pair pair, String why) {
        return new Result(pair.local().name(), null, why, 0, 0, 0, 0, 0, null, false);
    }

    private String condition(String own) {
        if (repairWhere == null || repairWhere.isBlank()) {
            return own;
        }
        return own == null || own.isBlank() ? repairWhere : "(" + own + ") and (" + repairWhere + ")";
    }

    /** The side-by-side walk: counts of inserts, updates, deletes. */
    private static long[] walk(SortedRows src, SortedRows dst, FixSql fix, int keyColumns, FixSink sink)
            throws SQLException {
        long[] counts = new long[3];
        String[] s = src.next();
        String[] d = dst.next();
        while (s != null || d != null) {
            int cmp = s == null ? 1 : d == null ? -1 : SortedRows.compareKeys(s, d, keyColumns);
            if (cmp < 0) {
                sink.accept(fix.insert(s));
                counts[0]++;
                s = src.next();
            } else if (cmp > 0) {
                sink.accept(fix.delete(d));
                counts[2]++;
                d = dst.next();
            } else {
                String update = fix.update(s, d);
                if (update != null) {
                    sink.accept(update);
                    counts[1]++;
                }
                s = src.next();
                d = dst.next();
            }
        }
        return counts;
    }
}
