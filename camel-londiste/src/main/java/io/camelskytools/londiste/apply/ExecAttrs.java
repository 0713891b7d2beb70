package io.camelskytools.londiste.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.camelskytools.londiste.node.LondisteException;

/**
 * The meta attributes of an EXECUTE script, as londiste3 writes and reads them: lines
 * {@code --*-- Key: v1, v2} at the top of the file (a trailing comma continues on the next
 * meta line), carried urlencoded in the event's ev_extra2 ({@code local-table=t1%2Ct2}). They
 * decide whether a node runs the script (all named objects match: yes; none: no; some: an
 * error) and which {@code @name@} tags become the node's own table names.
 */
public final class ExecAttrs {

    private static final String PREFIX = "--*--";
    /** The keys in londiste3's order; the first three name replicated objects that may be renamed locally. */
    private static final List<String> KEYS = List.of("local-table", "local-sequence", "local-destination",
            "need-table", "need-sequence", "need-function", "need-schema", "need-view");
    private static final Set<String> LOCAL_KEYS = Set.of("local-table", "local-sequence", "local-destination");

    private final Map<String, List<String>> attrs = new LinkedHashMap<>();

    private ExecAttrs() {
    }

    /** The attributes at the top of a script (parsing stops at the first line that is not a comment). */
    public static ExecAttrs fromSql(String sql) {
        ExecAttrs a = new ExecAttrs();
        String continued = null;
        for (String raw : sql.split("\\R")) {
            String ln = raw.strip();
            if (ln.isEmpty()) {
                continue;
            }
            if (!ln.startsWith("--")) {
                break;
            }
            if (!ln.startsWith(PREFIX)) {
                continue;
            }
            ln = ln.substring(PREFIX.length()).strip();
            if (ln.isEmpty()) {
                continue;
            }
            String key = continued;
            String values = ln;
            if (key == null) {
                int colon = ln.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                key = ln.substring(0, colon).strip();
                values = ln.substring(colon + 1);
            }
            for (String v : values.split(",")) {
                if (!v.isBlank()) {
                    a.add(key, v);
                }
            }
            continued = ln.endsWith(",") ? key : null;
        }
        return a;
    }

    /** The attributes of an EXECUTE event (ev_extra2); null or empty: none. */
    public static ExecAttrs fromUrlenc(String urlenc) {
        ExecAttrs a = new ExecAttrs();
        for (Map.Entry<String, String> e : UrlEncoding.decode(urlenc).entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            for (String v : e.getValue().split(",")) {
                a.add(e.getKey(), v);
            }
        }
        return a;
    }

    private void add(String key, String value) {
        String k = key.strip().toLowerCase(Locale.ROOT);
        if (!KEYS.contains(k)) {
            throw new LondisteException("Invalid key: " + key);
        }
        attrs.computeIfAbsent(k, x -> new ArrayList<>()).add(value.strip());
    }

    public boolean isEmpty() {
        return attrs.isEmpty();
    }

    public String toUrlenc() {
        Map<String, String> m = new LinkedHashMap<>();
        attrs.forEach((k, v) -> m.put(k, String.join(",", v)));
        return UrlEncoding.encode(m);
    }

    /**
     * Whether this node runs the script: no attributes, or every named object matches; none
     * matching skips it; a mix is an error, as in londiste3. {@code localTables} maps the
     * queue's name of each local table to its destination, {@code localSeqs} likewise.
     */
    public boolean needExecute(Connection c, Map<String, String> localTables, Map<String, String> localSeqs)
            throws SQLException {
        if (attrs.isEmpty()) {
            return true;
        }
        List<String> good = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        for (String k : KEYS) {
            for (String v : attrs.getOrDefault(k, List.of())) {
                (matches(c, k, fqName(v), localTables, localSeqs) ? good : missed).add(v);
            }
        }
        if (!good.isEmpty() && !missed.isEmpty()) {
            throw new LondisteException("SQL only partially matches local setup: matches=" + good + " misses=" + missed);
        }
        return missed.isEmpty();
    }

    /** The script with each {@code @name@} of a local object replaced by its local name, quoted. */
    public String processSql(Connection c, String sql, Map<String, String> localTables, Map<String, String> localSeqs)
            throws SQLException {
        String out = sql;
        for (Map.Entry<String, List<String>> e : attrs.entrySet()) {
            if (!LOCAL_KEYS.contains(e.getKey())) {
                continue;
            }
            for (String v : e.getValue()) {
                String fq = fqName(v);
                String local = localTables.containsKey(fq) ? localTables.get(fq) : localSeqs.get(fq);
                if (local == null) {
                    throw new LondisteException("EXECUTE names " + v + " as local, but it is not replicated here");
                }
                out = out.replace("@" + v + "@", quoteFqIdent(c, local));
            }
        }
        return out;
    }

    private static boolean matches(Connection c, String key, String name, Map<String, String> tables,
                                   Map<String, String> seqs) throws SQLException {
        return switch (key) {
            case "local-table" -> tables.containsKey(name);
            case "local-sequence" -> seqs.containsKey(name);
            case "local-destination" -> tables.containsKey(name) && relkind(c, tables.get(name), "r", "p");
            case "need-table" -> relkind(c, name, "r", "p");
            case "need-sequence" -> relkind(c, name, "S");
            case "need-view" -> relkind(c, name, "v", "m");
            case "need-schema" -> exists(c, "select 1 from pg_namespace where nspname = ?", name);
            case "need-function" -> function(c, name);
            default -> false;
        };
    }

    private static boolean relkind(Connection c, String fq, String... kinds) throws SQLException {
        String[] parts = split(fq);
        try (PreparedStatement ps = c.prepareStatement("select c.relkind::text from pg_class c join pg_namespace n"
                                                       + " on n.oid = c.relnamespace where n.nspname = ? and c.relname = ?")) {
            ps.setString(1, parts[0]);
            ps.setString(2, parts[1]);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && List.of(kinds).contains(rs.getString(1));
            }
        }
    }

    private static boolean function(Connection c, String spec) throws SQLException {
        int nargs = 0;
        String name = spec;
        int open = spec.indexOf('(');
        if (open > 0 && spec.indexOf(')') > open) {
            nargs = Integer.parseInt(spec.substring(open + 1, spec.indexOf(')')).strip());
            name = spec.substring(0, open);
        }
        String[] parts = split(fqName(name));
        try (PreparedStatement ps = c.prepareStatement("select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
                                                       + " where n.nspname = ? and p.proname = ? and p.pronargs = ?")) {
            ps.setString(1, parts[0]);
            ps.setString(2, parts[1]);
            ps.setInt(3, nargs);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean exists(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** {@code name} with {@code public.} in front when it has no schema, as Skytools' fq_name. */
    static String fqName(String name) {
        return name.contains(".") ? name : "public." + name;
    }

    private static String[] split(String fq) {
        int dot = fq.indexOf('.');
        return new String[] {fq.substring(0, dot), fq.substring(dot + 1)};
    }

    /** Each part quoted only when it must be (the server's quote_ident), as Skytools' quote_fqident. */
    static String quoteFqIdent(Connection c, String fq) throws SQLException {
        String[] parts = split(fqName(fq));
        try (PreparedStatement ps = c.prepareStatement("select quote_ident(?) || '.' || quote_ident(?)")) {
            ps.setString(1, parts[0]);
            ps.setString(2, parts[1]);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
