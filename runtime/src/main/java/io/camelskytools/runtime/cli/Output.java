package io.camelskytools.runtime.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Rows as an aligned text table, or as JSON for scripts. */
public final class Output {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private Output() {
    }

    public static void print(PrintWriter out, List<Map<String, Object>> rows, boolean json) throws Exception {
        if (json) {
            out.println(JSON.writeValueAsString(rows));
            return;
        }
        if (rows.isEmpty()) {
            out.println("(none)");
            return;
        }
        List<String> cols = new ArrayList<>(rows.get(0).keySet());
        int[] width = new int[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            width[i] = cols.get(i).length();
            for (Map<String, Object> r : rows) {
                width[i] = Math.max(width[i], text(r.get(cols.get(i))).length());
            }
        }
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cols.size(); i++) {
            line.append(i == 0 ? "" : "  ").append(pad(cols.get(i), width[i]));
        }
        out.println(line.toString().stripTrailing());
        for (Map<String, Object> r : rows) {
            line.setLength(0);
            for (int i = 0; i < cols.size(); i++) {
                line.append(i == 0 ? "" : "  ").append(pad(text(r.get(cols.get(i))), width[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** Pairs of (column, shown name), in the order shown. */
    public static Map<String, String> names(String... pairs) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put(pairs[i], pairs[i + 1]);
        }
        return out;
    }

    /** The rows with only the given columns, renamed, in the given order. */
    public static List<Map<String, Object>> columns(List<Map<String, Object>> rows, Map<String, String> names) {
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (Map<String, Object> r : rows) {
            Map<String, Object> shown = new LinkedHashMap<>();
            names.forEach((column, name) -> shown.put(name, r.get(column)));
            out.add(shown);
        }
        return out;
    }

    private static String text(Object v) {
        return v == null ? "" : v.toString();
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }
}
