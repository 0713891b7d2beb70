package io.camelskytools.pgq;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * A DataSource whose connections join the transaction in progress on the calling thread:
 * the batch of an exactly-once consumer, or a route under {@link PgqTransactionPolicy}.
 * For an exactly-once consumer, give the same bean to the consumer
 * ({@code targetDataSource=#target}) and to whatever writes in the route (camel-sql,
 * camel-jdbc, a bean with JDBC): while the consumer processes a batch, every
 * {@code getConnection()} on the consumer's thread returns the batch's transaction, so the
 * route's writes and the record of the batch (pgq_ext) commit together, or not at all.
 * Inside a batch, close, commit, rollback and setAutoCommit on that connection do nothing:
 * the consumer decides. Outside a batch it is the wrapped DataSource, unchanged.
 */
public final class PgqTargetDataSource implements DataSource {

    private final DataSource target;
    private final ThreadLocal<Connection> bound = new ThreadLocal<>();

    public PgqTargetDataSource(DataSource target) {
        if (target == null) {
            throw new IllegalArgumentException("PgqTargetDataSource needs the DataSource of the target database");
        }
        this.target = target;
    }

    /** The wrapped DataSource. */
    public DataSource target() {
        return target;
    }

    /**
     * Binds a transaction's connection to this thread: the consumer core does this for a
     * batch, {@link PgqTransactionPolicy} for a transacted route. Not for application code.
     */
    public void bind(Connection tx) {
        bound.set(tx);
    }

    /** Ends what {@link #bind} began on this thread. */
    public void unbind() {
        bound.remove();
    }

    /** Whether this thread is inside a batch or transacted route on this DataSource. */
    public boolean isBound() {
        return bound.get() != null;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection tx = bound.get();
        return tx != null ? shielded(tx) : target.getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Connection tx = bound.get();
        return tx != null ? shielded(tx) : target.getConnection(username, password);
    }

    private static Connection shielded(Connection tx) {
        InvocationHandler h = (proxy, method, args) -> {
            switch (method.getName()) {
                case "close", "commit", "rollback", "setAutoCommit":
                    return null;
                case "isClosed":
                    return false;
                case "getAutoCommit":
                    return false;
                case "unwrap":
                    return tx.unwrap((Class<?>) args[0]);
                case "isWrapperFor":
                    return tx.isWrapperFor((Class<?>) args[0]);
                default:
                    try {
                        return method.invoke(tx, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
            }
        };
        return (Connection) Proxy.newProxyInstance(PgqTargetDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, h);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return target.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        target.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        target.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return target.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return target.getParentLogger();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? (T) this : target.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || target.isWrapperFor(iface);
    }
}
