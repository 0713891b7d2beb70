package io.camelskytools.walmgr.standby;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

import io.camelskytools.walmgr.backup.ServerConnector;
import io.camelskytools.walmgr.wal.Lsn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controls a server in recovery over SQL (walmgr's boot, pause and continue): promote it,
 * pause and resume WAL replay, and say where it stands. Needs a superuser or a role granted
 * EXECUTE on the pg_promote / pg_wal_replay_* functions.
 */
public final class StandbyControl {

    private static final Logger LOG = LoggerFactory.getLogger(StandbyControl.class);

    private final ServerConnector server;

    public StandbyControl(ServerConnector server) {
        this.server = server;
    }

    /**
     * Ends recovery and opens the server for writes (walmgr's boot), waiting up to
     * {@code wait} for it to finish.
     */
    public void promote(Duration wait) {
        int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, wait.toSeconds()));
        try (Connection c = server.connect()) {
            requireRecovery(c, "promote");
            try (PreparedStatement st = c.prepareStatement("select pg_promote(true, ?)")) {
                st.setInt(1, seconds);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        throw new StandbyException("Server " + server.describe() + " did not finish promotion within "
                                                   + seconds + " s");
                    }
                }
            }
        } catch (SQLException e) {
            throw new StandbyException("Promoting " + server.describe() + " failed: " + e.getMessage(), e);
        }
        LOG.info("promoted {}: it accepts writes now", server.describe());
    }

    /** Stops applying WAL (it is still received); queries see the data as of the pause. */
    public void pause() {
        call("select pg_wal_replay_pause()", "pause replay on");
        LOG.info("paused WAL replay on {}", server.describe());
    }

    /** Applies WAL again after {@link #pause}. */
    public void resume() {
        call("select pg_wal_replay_resume()", "resume replay on");
        LOG.info("resumed WAL replay on {}", server.describe());
    }

    public StandbyStatus status() {
        try (Connection c = server.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select pg_is_in_recovery(),"
                     + " case when pg_is_in_recovery() then " + pauseExpression(c) + " else false end,"
                     + " pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text,"
                     + " pg_last_xact_replay_timestamp(), clock_timestamp(),"
                     + " (select status from pg_catalog.pg_stat_wal_receiver)")) {
            rs.next();
            boolean inRecovery = rs.getBoolean(1);
            long receive = lsnOrNone(rs.getString(3));
            long replay = lsnOrNone(rs.getString(4));
            Timestamp last = rs.getTimestamp(5);
            Instant now = rs.getTimestamp(6).toInstant();
            Duration lag = null;
            if (inRecovery && receive >= 0 && replay >= 0 && Long.compareUnsigned(replay, receive) >= 0) {
                lag = Duration.ZERO;
            } else if (inRecovery && last != null) {
                lag = Duration.between(last.toInstant(), now);
            }
            return new StandbyStatus(inRecovery, rs.getBoolean(2), receive, replay,
                    last == null ? null : last.toInstant(), lag, rs.getString(7));
        } catch (SQLException e) {
            throw new StandbyException("Cannot read recovery status of " + server.describe() + ": " + e.getMessage(), e);
        }
    }

    private void call(String sql, String what) {
        try (Connection c = server.connect()) {
            requireRecovery(c, what.substring(0, what.indexOf(' ')));
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new StandbyException("Cannot " + what + " " + server.describe() + ": " + e.getMessage(), e);
        }
    }

    private void requireRecovery(Connection c, String action) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select pg_is_in_recovery()")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new StandbyException("Cannot " + action + " " + server.describe() + ": it is not a standby (not in"
                                           + " recovery: a primary, or already promoted)");
            }
        }
    }

    /** PostgreSQL 14 says "pause requested" apart from "paused"; 13 has only a boolean. */
    private static String pauseExpression(Connection c) throws SQLException {
        int v = c.getMetaData().getDatabaseMajorVersion();
        return v >= 14 ? "pg_get_wal_replay_pause_state() <> 'not paused'" : "pg_is_wal_replay_paused()";
    }

    private static long lsnOrNone(String s) {
        return s == null ? -1 : Lsn.parse(s);
    }
}
