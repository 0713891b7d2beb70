package io.camelskytools.walmgr.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A server's settings over one SQL connection: what is in force, ALTER SYSTEM with a reload,
 * and which changes wait for a restart. Changing them needs a superuser.
 */
public final class ServerSettings {

    private final Connection connection;

    public ServerSettings(Connection connection) {
        this.connection = connection;
    }

    /** current_setting(name): the value in force for this session. */
    public String current(String name) throws SQLException {
        return text("select current_setting(?)", name);
    }

    /** Throws unless the session's role is a superuser, the only one ALTER SYSTEM accepts. */
    public void requireSuperuser() throws SQLException {
        if (!"on".equals(current("is_superuser"))) {
            throw new IllegalStateException("role " + current("session_authorization")
                                            + " is not a superuser: it cannot change the server's settings");
        }
    }

    /** ALTER SYSTEM SET name = value: written to postgresql.auto.conf, in force after a reload (or a restart). */
    public void alterSystem(String name, String value) throws SQLException {
        // ALTER SYSTEM takes no bind parameters: the server's format() quotes the bound name and value
        String statement = text("select format('alter system set %I = %L', ?::text, ?::text)", name, value);
        try (Statement st = connection.createStatement()) {
            st.execute(statement);
        }
    }

    /** pg_reload_conf(): the server reads its configuration files again. */
    public void reload() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("select pg_reload_conf()");
        }
    }

    /**
     * Those of {@code changed} whose new value waits for a restart: only a restart applies them
     * (context postmaster) and the server does not run with that value yet. Only these: other
     * settings pg_settings marks pending_restart are not ours to report (one given on the
     * server's command line is marked whenever the config files say otherwise, and a restart
     * would not change it).
     */
    public List<String> pendingRestart(Map<String, String> changed) throws SQLException {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, String> e : changed.entrySet()) {
            if ("postmaster".equals(context(e.getKey())) && !e.getValue().equals(current(e.getKey()))) {
                names.add(e.getKey());
            }
        }
        return names;
    }

    /** pg_settings.context: when a change can apply (postmaster: only at a restart). */
    private String context(String name) throws SQLException {
        return text("select context from pg_settings where name = ?", name);
    }

    private String text(String sql, String... args) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
