package io.camelskytools.pgq.harness;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** A database created for one test. */
public final class TestDb {

    private final PgServer server;
    private final String name;

    TestDb(PgServer server, String name) {
        this.server = server;
        this.name = name;
    }

    public PgServer server() {
        return server;
    }

    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return server.jdbcUrl(name);
    }

    /** A new autocommit connection as the superuser. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    /** A new connection as another role (created by the test) without password. */
    public Connection connectAs(String role) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + name
                + "?user=" + role);
    }

    /** A session with small helpers; close it when done. */
    public Sql open() throws SQLException {
        return new Sql(connect());
    }

    public Sql openAs(String role) throws SQLException {
        return new Sql(connectAs(role));
    }
}
