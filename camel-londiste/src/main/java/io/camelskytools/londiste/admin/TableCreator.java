package io.camelskytools.londiste.admin;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.camelskytools.jdbc.QueryRows;
import io.camelskytools.jdbc.SqlNames;

/**
 * add-table {@code --create} / {@code --create-full}: a table missing here is made from the
 * provider's structure before it is registered, as londiste3 does. Minimal: columns with their
 * types and NOT NULL, and the primary key. Full adds column defaults (and the sequences they
 * draw from), the other constraints except foreign keys (the copy restores those) and the
 * other indexes.
 */
public final class TableCreator {

    /** How much of the provider's table is made. */
    public enum Depth { MINIMAL, FULL }

    private final Depth depth;

    public TableCreator(Depth depth) {
        this.depth = depth;
    }

    /**
     * Makes {@code dest} here from {@code source} on the provider unless it exists. Returns the
     * note for the user: created, already there, or missing on the provider.
     */
    public TableSetup.Outcome createIfMissing(Connection local, Connection provider, String source, String dest)
            throws SQLException {
        String desc = source.equals(dest) ? source : source + "(" + dest + ")";
        if (regclass(local, dest) != null) {
            return new TableSetup.Outcome(source, 200, "Table " + desc + " already exist, not touching");
        }
        Long oid = regclass(provider, source);
        if (oid == null) {
            return new TableSetup.Outcome(source, 404, "Table " + desc + " missing on provider, cannot create");
        }
        List<String> ddl = statements(local, provider, oid, dest);
        boolean auto = local.getAutoCommit();
        local.setAutoCommit(false);
        try (Statement st = local.createStatement()) {
            for (String sql : ddl) {
                st.execute(sql);
            }
            local.commit();
        } catch (SQLException e) {
            local.rollback();
            throw e;
        } finally {
            local.setAutoCommit(auto);
        }
        return new TableSetup.Outcome(source, 200, "Table created: " + desc);
    }

    /** The DDL that makes {@code dest} like the provider's table {@code oid}. */
    List<String> statements(Connection local, Connection provider, long oid, String dest) throws SQLException {
        String[] parts = split(dest);
        String qdest = SqlNames.quoteFqName(dest);
        List<String> out = new ArrayList<>();
        out.add("create schema if not exists " + SqlNames.quoteIdent(parts[0]));
        List<String> cols = new ArrayList<>();
        for (Map<String, Object> c : QueryRows.list(provider,
                "select quote_ident(a.attname) as qname, format_type(a.atttypid, a.atttypmod) as dtype,"
                + " a.attnotnull as notnull, pg_get_expr(d.adbin, d.adrelid) as def, a.attgenerated <> '' as generated,"
                + " pg_get_serial_sequence(a.attrelid::regclass::text, a.attname) as seq"
                + " from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum"
                + " where a.attrelid = ? and a.attnum > 0 and not a.attisdropped order by a.attnum", oid)) {
            StringBuilder col = new StringBuilder().append(c.get("qname")).append(' ').append(c.get("dtype"));
            if (Boolean.TRUE.equals(c.get("notnull"))) {
                col.append(" not null");
            }
            if (depth == Depth.FULL && c.get("def") != null) {
                if (Boolean.TRUE.equals(c.get("generated"))) {
                    col.append(" generated always as (").append(c.get("def")).append(") stored");
                } else {
                    if (c.get("seq") != null) {
                        out.add("create sequence if not exists " + c.get("seq"));
                    }
                    col.append(" default ").append(c.get("def"));
                }
            }
            cols.add(col.toString());
        }
        out.add("create table " + qdest + " (" + String.join(", ", cols) + ")");
        String kinds = depth == Depth.FULL ? "'p', 'u', 'c', 'x'" : "'p'";
        for (Map<String, Object> k : QueryRows.list(provider,
                "select conname, pg_get_constraintdef(oid) as def, conindid <> 0 as has_index from pg_constraint"
                + " where conrelid = ? and contype in (" + kinds + ") order by contype, conname", oid)) {
            // a key's index is a relation of the schema: its name must be free there
            String name = Boolean.TRUE.equals(k.get("has_index"))
                    ? freeName(local, parts[0], (String) k.get("conname")) : (String) k.get("conname");
            out.add("alter table " + qdest + " add constraint " + SqlNames.quoteIdent(name) + " " + k.get("def"));
        }
        if (depth == Depth.FULL) {
            for (Map<String, Object> i : QueryRows.list(provider,
                    "select c.relname, pg_get_indexdef(i.indexrelid) as def from pg_index i"
                    + " join pg_class c on c.oid = i.indexrelid"
                    + " where i.indrelid = ? and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid"
                    + " and k.conrelid = i.indrelid) order by c.relname", oid)) {
                String def = (String) i.get("def");
                int using = def.indexOf(" USING ");
                String name = freeName(local, parts[0], (String) i.get("relname"));
                out.add((def.startsWith("CREATE UNIQUE") ? "create unique index " : "create index ")
                        + SqlNames.quoteIdent(name) + " on " + qdest + def.substring(using));
            }
        }
        return out;
    }

    /** A relation name not taken in the schema here: the provider's, or with _1, _2 ... added. */
    private static String freeName(Connection local, String schema, String wanted) throws SQLException {
        String name = wanted;
        for (int n = 1; taken(local, schema, name); n++) {
            name = wanted + "_" + n;
        }
        return name;
    }

    private static boolean taken(Connection local, String schema, String name) throws SQLException {
        return !QueryRows.list(local, "select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                                      + " where n.nspname = ? and c.relname = ?", schema, name).isEmpty();
    }

    private static Long regclass(Connection c, String table) throws SQLException {
        String[] p = split(table);
        List<Map<String, Object>> r = QueryRows.list(c, "select c.oid::bigint as oid from pg_class c"
                + " join pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relname = ?"
                + " and c.relkind in ('r', 'p')", p[0], p[1]);
        return r.isEmpty() ? null : ((Number) r.get(0).get("oid")).longValue();
    }

    private static String[] split(String fq) {
        int dot = fq.indexOf('.');
        return dot < 0 ? new String[] {"public", fq} : new String[] {fq.substring(0, dot), fq.substring(dot + 1)};
    }
}
