package io.camelskytools.runtime.bench;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import io.camelskytools.jdbc.JdbcUrls;

/**
 * The server a benchmark measures, for the plain connections it opens beside what it
 * measures (setting up, sampling, cleaning up). toString never shows the password.
 */
final class BenchServer {

    /** Work on a connection of its own, such as dropping what a run created. */
    interface ConnectionWork {
        void run(Connection c) throws Exception;
    }

    private final String url;
    private final String user;
    private final String password;

    BenchServer(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    String url() {
        return url;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    Connection connect() throws SQLException {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(url, p);
    }

    /**
     * Drops what a run created. A failure is printed, not thrown: it comes after the figures,
     * and must not hide why the run itself ended.
     */
    void cleanUp(PrintWriter out, ConnectionWork work) {
        try (Connection c = connect()) {
            work.run(c);
        } catch (Exception e) {
            out.println("bench: cleaning up failed: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return JdbcUrls.mask(url) + (user == null ? "" : " as " + user);
    }
}
