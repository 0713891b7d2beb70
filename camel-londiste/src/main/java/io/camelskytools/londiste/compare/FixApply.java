package io.camelskytools.londiste.compare;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import io.camelskytools.londiste.node.Connections;

/**
 * repair --apply: a table's statements run on the subscriber in one transaction, in replica
 * role as the worker writes (londiste's triggers and foreign keys do not fire).
 */
final class FixApply implements FixSink {

    private final Connection target;
    private final Statement statement;
    private final String table;

    FixApply(String targetUrl, String table) throws SQLException {
        this.table = table;
        this.target = Connections.openTarget(targetUrl, "londiste repair");
        try {
            target.setAutoCommit(false);
            this.statement = target.createStatement();
        } catch (SQLException e) {
            target.close();
            throw e;
        }
    }

    @Override
    public void accept(String sql) throws SQLException {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new SQLException("repair of " + table + " failed at " + sql + ": " + e.getMessage(),
                    e.getSQLState(), e);
        }
    }

    @Override
    public void finish() throws SQLException {
        target.commit();
    }

    @Override
    public void close() throws SQLException {
        try {
            target.rollback();
        } finally {
            target.close();
        }
    }
}
