package io.camelskytools.pgq.cluster;

import java.sql.Connection;
import java.sql.SQLException;

/** Where the lock sessions come from: a DataSource, or a JDBC URL opened directly. */
@FunctionalInterface
interface ConnectionSource {

    Connection connect() throws SQLException;
}
