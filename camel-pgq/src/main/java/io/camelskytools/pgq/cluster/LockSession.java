package io.camelskytools.pgq.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * The dedicated session that holds (or tries for) one namespace's advisory lock. Its
 * application_name carries the member id so that the others can name the leader. Every
 * statement has a network timeout: a session that hangs fails like one that is gone.
 */
final class LockSession implements AutoCloseable {

    static final String APPLICATION_PREFIX = "skytools-cluster ";

    private final Connection connection;
    private final long key;

    private LockSession(Connection connection, long key) {
        this.connection = connection;
        this.key = key;
    }

    static LockSession open(ConnectionSource source, long key, String memberId, Duration timeout) throws SQLException {
        Connection c = source.connect();
        try {
            c.setAutoCommit(true);
            // runs the socket timeout's timer on the caller's thread: nothing to shut down
            Executor inline = Runnable::run;
            c.setNetworkTimeout(inline, (int) Math.max(1, timeout.toMillis()));
            try (PreparedStatement ps = c.prepareStatement("select pg_catalog.set_config('application_name', ?, false)")) {
                ps.setString(1, APPLICATION_PREFIX + memberId);
                ps.execute();
            }
            return new LockSession(c, key);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** pg_try_advisory_lock: true when this session holds the lock now (also when it already did). */
    boolean tryLock() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select pg_catalog.pg_try_advisory_lock(?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** A round trip to the server that also checks the lock is still ours (false: it is not). */
    boolean stillHolds() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "select exists (select 1 from pg_catalog.pg_locks where locktype = 'advisory' and pid = pg_catalog.pg_backend_pid()"
                + " and objsubid = 1 and granted and ((classid::bigint << 32) | objid::bigint) = ?)")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Who holds the lock in this database: the member id from the holder's application_name,
     * or the raw application_name and pid when the holder is not one of ours (a key collision).
     */
    Optional<Holder> holder() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "select a.pid, a.application_name from pg_catalog.pg_locks l join pg_catalog.pg_stat_activity a on a.pid = l.pid"
                + " where l.locktype = 'advisory' and l.objsubid = 1 and l.granted"
                + " and l.database = (select oid from pg_catalog.pg_database where datname = pg_catalog.current_database())"
                + " and ((l.classid::bigint << 32) | l.objid::bigint) = ?")) {
            ps.setLong(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Holder(rs.getInt(1), rs.getString(2)));
            }
        }
    }

    @Override
    public void close() {
        try {
            // closing ends the session, and the server releases the lock with it
            connection.close();
        } catch (SQLException e) {
            // already gone: so is the lock
        }
    }

    /** The session holding a lock: its pid and application_name. */
    record Holder(int pid, String applicationName) {

        boolean isMember() {
            return applicationName != null && applicationName.startsWith(APPLICATION_PREFIX);
        }

        String memberId() {
            return isMember() ? applicationName.substring(APPLICATION_PREFIX.length()) : null;
        }
    }
}
