package io.camelskytools.londiste.handler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of {@code dispatch} and its variants, with londiste3's names, defaults (the
 * first of each list) and refusals.
 */
record DispatchArgs(String tableMode, String partMode, String partField, String period, String partName,
                    String partTemplate, String prePart, String postPart, String partFunc, String retentionPeriod,
                    boolean ignoreOldEvents, String rowMode, Set<String> eventTypes, String loadMode, int method,
                    boolean analyze, boolean ignoreTruncate, List<String> skipFields, Map<String, String> fieldMap,
                    String table) {

    static final List<String> TABLE_MODES = List.of("part", "direct", "ignore");
    static final List<String> PART_MODES = List.of("batch_time", "event_time", "date_field", "current_time");
    static final List<String> ROW_MODES = List.of("plain", "keep_all", "keep_latest");
    static final List<String> LOAD_MODES = List.of("direct", "bulk");
    static final List<String> PERIODS = List.of("day", "month", "year", "hour");
    static final List<String> METHODS = List.of("0", "1", "2", "3");
    static final String PART_FUNC = "londiste.create_partition";

    static final Set<String> NAMES = Set.of("table_mode", "part_func", "part_mode", "part_field", "period",
            "part_name", "part_template", "row_mode", "event_types", "load_mode", "method", "fields", "skip_fields",
            "table", "pre_part", "post_part", "retention_period", "ignore_old_events", "ignore_truncate", "encoding",
            "analyze");

    static DispatchArgs parse(String handler, Map<String, String> args) {
        Handlers.checkArgs(handler, args, NAMES);
        Encoding.check(handler, args);
        String tableMode = choice(args, "table_mode", TABLE_MODES);
        boolean analyze = choice(args, "analyze", List.of("0", "1")).equals("1");
        String partMode = choice(args, "part_mode", PART_MODES);
        String partField = args.get("part_field");
        if (tableMode.equals("part") && partMode.equals("date_field") && (partField == null || partField.isEmpty())) {
            throw new IllegalArgumentException("part_mode date_field requires part_field! (handler " + handler + ")");
        }
        String period = choice(args, "period", PERIODS);
        boolean ignoreOld = choice(args, "ignore_old_events", List.of("0", "1")).equals("1");
        String rowMode = choice(args, "row_mode", ROW_MODES);
        Set<String> types = new java.util.LinkedHashSet<>(List.of("I", "U", "D"));
        String et = args.getOrDefault("event_types", "*");
        if (!et.equals("*")) {
            types.clear();
            for (String t : et.split(",")) {
                String u = t.strip().toUpperCase(java.util.Locale.ROOT);
                if (!List.of("I", "U", "D").contains(u)) {
                    throw new IllegalArgumentException("Unsupported operation: " + t + " (handler " + handler
                                                       + ", event_types takes I, U, D)");
                }
                types.add(u);
            }
        }
        String loadMode = choice(args, "load_mode", LOAD_MODES);
        int method = Integer.parseInt(choice(args, "method", METHODS));
        boolean ignoreTruncate = choice(args, "ignore_truncate", List.of("0", "1")).equals("1");
        List<String> skip = new ArrayList<>();
        for (String f : args.getOrDefault("skip_fields", "").split(",")) {
            if (!f.isBlank()) {
                skip.add(f.strip().toLowerCase(java.util.Locale.ROOT));
            }
        }
        Map<String, String> fieldMap = null;
        String fields = args.getOrDefault("fields", "*");
        if (!fields.equals("*")) {
            fieldMap = new LinkedHashMap<>();
            for (String f : fields.split(",")) {
                String[] p = f.split(":", 2);
                fieldMap.put(p[0], p.length == 1 ? p[0] : p[1]);
            }
        }
        return new DispatchArgs(tableMode, partMode, partField, period, args.get("part_name"),
                args.get("part_template"), args.get("pre_part"), args.get("post_part"),
                args.getOrDefault("part_func", PART_FUNC), args.get("retention_period"), ignoreOld, rowMode, types,
                loadMode, method, analyze, ignoreTruncate, skip, fieldMap, args.get("table"));
    }

    /** A value from a fixed list, the first being the default; anything else is refused as londiste3 does. */
    private static String choice(Map<String, String> args, String key, List<String> allowed) {
        String v = args.getOrDefault(key, allowed.get(0));
        if (!allowed.contains(v)) {
            throw new IllegalArgumentException("Bad argument " + key + " value '" + v + "' (one of " + allowed + ")");
        }
        return v;
    }

    /** The row as the target sees it: skip_fields dropped, then the fields map applied (missing source = NULL). */
    Map<String, String> filter(Map<String, String> row) {
        Map<String, String> out = row;
        if (!skipFields.isEmpty()) {
            out = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : row.entrySet()) {
                if (!skipFields.contains(e.getKey())) {
                    out.put(e.getKey(), e.getValue());
                }
            }
        }
        if (fieldMap != null) {
            Map<String, String> mapped = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : fieldMap.entrySet()) {
                mapped.put(e.getValue(), out.get(e.getKey()));
            }
            out = mapped;
        }
        return out;
    }

    /** The key columns as the target sees them. */
    List<String> filterKeys(List<String> keys) {
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            if (skipFields.contains(k)) {
                continue;
            }
            if (fieldMap == null) {
                out.add(k);
            } else if (fieldMap.containsKey(k)) {
                out.add(fieldMap.get(k));
            }
        }
        return out;
    }
}
