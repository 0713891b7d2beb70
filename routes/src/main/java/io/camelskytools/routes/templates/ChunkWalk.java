package io.camelskytools.routes.templates;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * data_maintainer's walk: reads the rows of the chunk query through a cursor on the read
 * database, {@code fetchCount} at a time, runs the per-row statement on the write database
 * with the row's columns bound, each row committing by itself ({@code autocommit}, Skytools'
 * default) or every {@code commitInterval} rows together, and pauses {@code pause} after each
 * {@code commitInterval} rows (throttling). A stopping Camel ends the walk after the
 * next commit. Nothing records progress: a walk cut short (a crash) starts over, so the
 * chunk query should select only rows still to do, or the statement be harmless to repeat.
 */
public final class ChunkWalk implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkWalk.class);

    private final String name;
    private final DataSource read;
    private final DataSource write;
    private final String chunkQuery;
    private final NamedSql rowStatement;
    private final int fetchCount;
    private final boolean autocommit;
    private final int commitInterval;
    private final Duration pause;
    private final WalkHooks hooks;

    ChunkWalk(String name, DataSource read, DataSource write, String chunkQuery, NamedSql rowStatement, int fetchCount,
              boolean autocommit, int commitInterval, Duration pause, WalkHooks hooks) {
        this.name = name;
        this.read = read;
        this.write = write;
        this.chunkQuery = chunkQuery;
        this.rowStatement = rowStatement;
        this.fetchCount = fetchCount;
        this.autocommit = autocommit;
        this.commitInterval = commitInterval;
        this.pause = pause;
        this.hooks = hooks;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        long started = System.nanoTime();
        long done = 0;
        boolean stopped = false;
        try (Connection r = read.getConnection(); Connection w = write.getConnection()) {
            r.setAutoCommit(false);
            w.setAutoCommit(autocommit);
            // the before statement's row, then each row's columns over it, as Skytools merged them
            Map<String, String> fields = hooks.before(w, name);
            try (Statement q = r.createStatement(); PreparedStatement ps = w.prepareStatement(rowStatement.jdbcSql())) {
                q.setFetchSize(fetchCount);
                try (ResultSet rs = q.executeQuery(chunkQuery)) {
                    int uncommitted = 0;
                    while (rs.next()) {
                        Map<String, String> row = WalkHooks.row(rs);
                        fields.putAll(row);
                        try {
                            rowStatement.bind(ps, fields, "row " + row);
                            ps.execute();
                        } catch (SQLException | RuntimeException e) {
                            hooks.crashed(w, fields, e);
                            throw e;
                        }
                        if (++uncommitted == commitInterval) {
                            commit(w);
                            done += uncommitted;
                            uncommitted = 0;
                            if (stopping(exchange) || !pause(exchange)) {
                                stopped = true;
                                break;
                            }
                        }
                    }
                    commit(w);
                    done += uncommitted;
                }
            } finally {
                r.rollback();
            }
            hooks.after(w, fields, done);
        }
        LOG.info("data maintainer {}: {} rows in {} ms{}", name, done, (System.nanoTime() - started) / 1_000_000,
                stopped ? ", stopped before the end (Camel is stopping)" : "");
    }

    private void commit(Connection w) throws SQLException {
        if (!autocommit) {
            w.commit();
        }
    }

    private static boolean stopping(Exchange exchange) {
        return exchange.getContext().isStopping() || exchange.getContext().isStopped();
    }

    /** Waits the pause between commits, in steps so that a stop is not held up; false when Camel is stopping. */
    private boolean pause(Exchange exchange) throws InterruptedException {
        long until = System.nanoTime() + pause.toNanos();
        while (System.nanoTime() < until) {
            if (stopping(exchange)) {
                return false;
            }
            Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
        }
        return true;
    }
}
