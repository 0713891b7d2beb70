package io.camelskytools.londiste.changes;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which tables {@code londiste:changes} hands on: a comma list of names or globs
 * ({@code public.orders}, {@code orders}, {@code sales.*}); a name without a schema is in
 * {@code public}, as londiste3's add-table reads it. No list: every table.
 */
public final class TableFilter {

    private final List<Pattern> patterns;

    private TableFilter(List<Pattern> patterns) {
        this.patterns = patterns;
    }

    public static TableFilter parse(String list) {
        List<Pattern> out = new ArrayList<>();
        if (list != null) {
            for (String part : list.split(",")) {
                String name = part.trim();
                if (name.isEmpty()) {
                    continue;
                }
                if (!name.contains(".")) {
                    name = "public." + name;
                }
                out.add(glob(name));
            }
        }
        return new TableFilter(out);
    }

    /** {@code table} is the queue-global name an event carries (schema.table). */
    public boolean accepts(String table) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (Pattern p : patterns) {
            if (p.matcher(table).matches()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern glob(String name) {
        StringBuilder re = new StringBuilder();
        for (String piece : name.split("\\*", -1)) {
            if (re.length() > 0) {
                re.append(".*");
            }
            re.append(Pattern.quote(piece));
        }
        return Pattern.compile(re.toString());
    }
}
