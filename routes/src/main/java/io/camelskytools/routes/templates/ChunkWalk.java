package io.camelskytools.routes.templates;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * data_maintainer's walk: reads the rows of the chunk query through a cursor on the read
 * database, {@code fetchCount} at a time, runs the per-row statement on the write database
 * with the row's columns bound, commits every {@code commitInterval} rows and pauses
 * {@code pause} after each commit (throttling). A stopping Camel ends the walk after the
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
    private final int commitInterval;
    private final Duration pause;

    ChunkWalk(String name, DataSource read, DataSource write, String chunkQuery, NamedSql rowStatement, int fetchCount,
              int commitInterval, Duration pause) {
        this.name = name;
        this.read = read;
        this.write = write;
        this.chunkQuery = chunkQuery;
        this.rowStatement = rowStatement;
        this.fetchCount = fetchCount;
        this.commitInterval = commitInterval;
        this.pause = pause;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        long started = System.nanoTime();
        long done = 0;
        boolean stopped = false;
        try (Connection r = read.getConnection(); Connection w = write.getConnection()) {
            r.setAutoCommit(false);
            w.setAutoCommit(false);
            try (Statement q = r.createStatement(); PreparedStatement ps = w.prepareStatement(rowStatement.jdbcSql())) {
                q.setFetchSize(fetchCount);
                try (ResultSet rs = q.executeQuery(chunkQuery)) {
                    ResultSetMetaData md = rs.getMetaData();
                    int uncommitted = 0;
                    while (rs.next()) {
                        Map<String, String> row = new LinkedHashMap<>();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            row.put(md.getColumnLabel(i), rs.getString(i));
                        }
                        rowStatement.bind(ps, row, "row " + row);
                        ps.execute();
                        if (++uncommitted == commitInterval) {
                            w.commit();
                            done += uncommitted;
                            uncommitted = 0;
                            if (stopping(exchange) || !pause(exchange)) {
                                stopped = true;
                                break;
                            }
                        }
                    }
                    w.commit();
                    done += uncommitted;
                }
            } finally {
                r.rollback();
            }
        }
        LOG.info("data maintainer {}: {} rows in {} ms{}", name, done, (System.nanoTime() - started) / 1_000_000,
                stopped ? ", stopped before the end (Camel is stopping)" : "");
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
