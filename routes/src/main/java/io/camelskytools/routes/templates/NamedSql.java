package io.camelskytools.routes.templates;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A statement written the way Skytools' consumer scripts take it, with {@code %(name)s}
 * where a value goes and {@code %%} for a literal percent sign. The placeholders become
 * JDBC parameters, so the values are bound, never spliced into the SQL text.
 */
public final class NamedSql {

    private final String source;
    private final String jdbcSql;
    private final List<String> names;

    private NamedSql(String source, String jdbcSql, List<String> names) {
        this.source = source;
        this.jdbcSql = jdbcSql;
        this.names = List.copyOf(names);
    }

    /** Parses {@code sql}; {@code what} names the parameter it came from, for the error. */
    public static NamedSql parse(String what, String sql) {
        try {
            return parse(sql);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " " + e.getMessage());
        }
    }

    /** Parses {@code sql}; the error's message reads after the name of what held it ("... is empty"). */
    public static NamedSql parse(String sql) {
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("is empty: it must be an SQL statement");
        }
        StringBuilder out = new StringBuilder(sql.length());
        List<String> names = new ArrayList<>();
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (ch != '%') {
                out.append(ch);
                continue;
            }
            if (i + 1 < sql.length() && sql.charAt(i + 1) == '%') {
                out.append('%');
                i++;
                continue;
            }
            int close = sql.indexOf(")s", i);
            if (i + 1 >= sql.length() || sql.charAt(i + 1) != '(' || close < 0) {
                throw new IllegalArgumentException("has a % at position " + i + " that does not start %(name)s (write %%"
                                                   + " for a literal percent sign): " + sql);
            }
            names.add(sql.substring(i + 2, close));
            out.append('?');
            i = close + 1;
        }
        return new NamedSql(sql, out.toString(), names);
    }

    /** The statement with a {@code ?} for each placeholder. */
    public String jdbcSql() {
        return jdbcSql;
    }

    /** The placeholder names in order of appearance (a name may repeat). */
    public List<String> names() {
        return names;
    }

    /**
     * Binds the values of {@code fields} to the statement's parameters; a missing name is an
     * error naming {@code owner} (the event or row). Values go as untyped text, as Skytools'
     * quoted literals did, so the server gives each the type its place in the SQL needs.
     */
    public void bind(PreparedStatement ps, Map<String, String> fields, String owner) throws SQLException {
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (!fields.containsKey(name)) {
                throw new IllegalArgumentException(owner + " has no field '" + name + "' for %(" + name + ")s in: " + source
                                                   + " (it has " + String.join(", ", fields.keySet()) + ")");
            }
            ps.setObject(i + 1, fields.get(name), java.sql.Types.OTHER);
        }
    }

    @Override
    public String toString() {
        return source;
    }
}
