package io.camelskytools.londiste.handler;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.camelskytools.jdbc.SqlNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatch handler's time partitions: their names ({@code part_name}, or parent_YYYY[_MM[_DD[_HH]]]
 * by period), their creation when missing (pre_part, then part_template or the part function
 * {@code londiste.create_partition} with its old name {@code public.create_partition} as
 * fallback, else a plain copy of the parent's structure; then post_part) and the retention
 * of old ones ({@code londiste.drop_obsolete_partitions} / {@code is_obsolete_partition}).
 */
final class PartitionMaker {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionMaker.class);
    private static final Pattern VAR = Pattern.compile("%(%|\\((\\w+)\\)s)");
    private static final List<String> NAME_PARTS = List.of("year", "month", "day", "hour");

    private final DispatchArgs args;
    private final String parent;

    PartitionMaker(DispatchArgs args, String parent) {
        this.args = args;
        this.parent = parent;
    }

    /** The partition of the row at {@code time}. */
    String name(LocalDateTime time) {
        Map<String, String> vals = Map.of("parent", parent, "year", String.format("%04d", time.getYear()),
                "month", String.format("%02d", time.getMonthValue()), "day", String.format("%02d",
                        time.getDayOfMonth()), "hour", String.format("%02d", time.getHour()));
        String template = args.partName();
        if (template == null) {
            StringBuilder t = new StringBuilder("%(parent)s");
            for (String p : NAME_PARTS.subList(0, NAME_PARTS.indexOf(periodPart()) + 1)) {
                t.append("_%(").append(p).append(")s");
            }
            template = t.toString();
        }
        return substitute(template, vals, "part_name");
    }

    private String periodPart() {
        return switch (args.period()) {
            case "hour" -> "hour";
            case "month" -> "month";
            case "year" -> "year";
            default -> "day";
        };
    }

    /** Whether the partition is past retention_period (ignore_old_events=1 skips its rows). */
    boolean isObsolete(Connection c, String part) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select londiste.is_obsolete_partition(?, ?::interval, ?)")) {
            ps.setString(1, part);
            ps.setString(2, args.retentionPeriod());
            ps.setString(3, args.period());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Makes {@code part} unless it exists; true when made. */
    boolean ensure(Connection c, String part, LocalDateTime time, List<String> pkeys) throws SQLException {
        if (exists(c, part)) {
            return false;
        }
        String quotedPart = PlainNames.fq(part);
        Map<String, String> vals = new LinkedHashMap<>();
        vals.put("dest", quotedPart);
        vals.put("part", quotedPart);
        vals.put("parent", PlainNames.fq(parent));
        vals.put("pkeys", String.join(",", pkeys));
        vals.put("schema_table", quotedPart.replace(".", "__"));
        vals.put("part_field", String.valueOf(args.partField()));
        vals.put("part_time", time.toString().replace('T', ' '));
        vals.put("period", args.period());
        execTemplate(c, args.prePart(), vals, "pre_part");
        if (!execTemplate(c, args.partTemplate(), vals, "part_template")) {
            String fn = args.partFunc();
            if (!hasFunction(c, fn) && fn.equals(DispatchArgs.PART_FUNC) && hasFunction(c, "public.create_partition")) {
                fn = "public.create_partition";
            }
            if (hasFunction(c, fn)) {
                try (PreparedStatement ps = c.prepareStatement("select " + SqlNames.quoteFqName(fn)
                                                               + "(?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, vals.get("parent"));
                    ps.setString(2, quotedPart);
                    ps.setString(3, vals.get("pkeys"));
                    ps.setString(4, args.partField());
                    ps.setTimestamp(5, Timestamp.valueOf(time));
                    ps.setString(6, args.period());
                    ps.executeQuery().close();
                }
            } else {
                // no partition function here: a copy of the parent's structure, as londiste3 clones it
                exec(c, "create table " + quotedPart + " (like " + vals.get("parent") + " including all)");
            }
        }
        execTemplate(c, args.postPart(), vals, "post_part");
        LOG.info("dispatch: created table {}", part);
        return true;
    }

    /** Drops the partitions past retention_period; their names. */
    List<String> dropObsolete(Connection c) throws SQLException {
        List<String> dropped = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "select * from londiste.drop_obsolete_partitions(?, ?::interval, ?)")) {
            ps.setString(1, parent);
            ps.setString(2, args.retentionPeriod());
            ps.setString(3, args.period());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    dropped.add(rs.getString(1));
                }
            }
        }
        if (!dropped.isEmpty()) {
            LOG.info("dispatch: dropped tables {}", String.join(", ", dropped));
        }
        return dropped;
    }

    static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select to_regclass(?) is not null")) {
            ps.setString(1, SqlNames.quoteFqName(table));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static boolean hasFunction(Connection c, String fn) throws SQLException {
        String schema = fn.contains(".") ? fn.substring(0, fn.indexOf('.')) : "public";
        String name = fn.contains(".") ? fn.substring(fn.indexOf('.') + 1) : fn;
        try (PreparedStatement ps = c.prepareStatement("select exists (select 1 from pg_catalog.pg_proc p"
                + " join pg_catalog.pg_namespace n on n.oid = p.pronamespace"
                + " where n.nspname = ? and p.proname = ? and p.pronargs = 6)")) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static boolean execTemplate(Connection c, String template, Map<String, String> vals, String what)
            throws SQLException {
        if (template == null || template.isEmpty()) {
            return false;
        }
        exec(c, substitute(template, vals, what));
        return true;
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Python's {@code %(name)s} substitution (and {@code %%}), as londiste3 fills its templates. */
    static String substitute(String template, Map<String, String> vals, String what) {
        Matcher m = VAR.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v;
            if (m.group(2) == null) {
                v = "%";
            } else {
                v = vals.get(m.group(2));
                if (v == null) {
                    throw new IllegalArgumentException("dispatch: " + what + " uses %(" + m.group(2)
                                                       + ")s, which is not one of " + vals.keySet());
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
