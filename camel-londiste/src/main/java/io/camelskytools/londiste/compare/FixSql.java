package io.camelskytools.londiste.compare;

import java.util.ArrayList;
import java.util.List;

import io.camelskytools.jdbc.SqlNames;

/**
 * The statements repair writes to make a subscriber's row what the provider's is, one line
 * each as londiste3 writes them: {@code insert into}, {@code update only ... set changed
 * columns where pk and old values}, {@code delete from only ... where pk}. Rows are the text of
 * each column (null for NULL), primary key columns first.
 */
final class FixSql {

    private final String table;
    private final List<String> columns;
    private final int keyColumns;

    /** {@code columns} start with the {@code keyColumns} primary key columns. */
    FixSql(String table, List<String> columns, int keyColumns) {
        this.table = SqlNames.quoteFqName(table);
        this.columns = columns;
        this.keyColumns = keyColumns;
    }

    String insert(String[] source) {
        List<String> values = new ArrayList<>();
        for (String v : source) {
            values.add(literal(v));
        }
        return "insert into " + table + " (" + String.join(", ", columns.stream().map(SqlNames::quoteIdent).toList())
               + ") values (" + String.join(", ", values) + ");";
    }

    /** The update that turns {@code target} into {@code source}; null when they are the same. */
    String update(String[] source, String[] target) {
        List<String> set = new ArrayList<>();
        List<String> where = keyCondition(source);
        for (int i = 0; i < columns.size(); i++) {
            if (!sameValue(source[i], target[i])) {
                set.add(SqlNames.quoteIdent(columns.get(i)) + " = " + literal(source[i]));
                where.add(equalsOrNull(i, target[i]));
            }
        }
        if (set.isEmpty()) {
            return null;
        }
        return "update only " + table + " set " + String.join(", ", set) + " where " + String.join(" and ", where)
               + ";";
    }

    String delete(String[] target) {
        return "delete from only " + table + " where " + String.join(" and ", keyCondition(target)) + ";";
    }

    private List<String> keyCondition(String[] row) {
        List<String> where = new ArrayList<>();
        for (int i = 0; i < keyColumns; i++) {
            where.add(equalsOrNull(i, row[i]));
        }
        return where;
    }

    private String equalsOrNull(int column, String value) {
        String col = SqlNames.quoteIdent(columns.get(column));
        return value == null ? col + " is null" : col + " = " + literal(value);
    }

    /** A literal as Skytools quotes it: E'' when there is a backslash, NULL as null. */
    static String literal(String value) {
        if (value == null) {
            return "null";
        }
        String quoted = value.replace("'", "''");
        if (quoted.indexOf('\\') >= 0) {
            return "E'" + quoted.replace("\\", "\\\\") + "'";
        }
        return "'" + quoted + "'";
    }

    /**
     * Equal text, or a timestamp that only differs by a "+TZ" suffix (one side timestamptz,
     * the other timestamp), which londiste3's repair takes as the same value.
     */
    static boolean sameValue(String a, String b) {
        if (a == null || b == null) {
            return a == null && b == null;
        }
        if (a.equals(b)) {
            return true;
        }
        String longer = a.length() > b.length() ? a : b;
        String shorter = longer == a ? b : a;
        return longer.length() == shorter.length() + 3 && shorter.length() >= 19
               && longer.charAt(shorter.length()) == '+' && longer.startsWith(shorter);
    }
}
