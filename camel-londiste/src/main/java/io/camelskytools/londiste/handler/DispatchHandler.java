package io.camelskytools.londiste.handler;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.camelskytools.jdbc.SqlNames;
import io.camelskytools.londiste.apply.RowChange;
import io.camelskytools.pgq.client.PgqEvent;

/**
 * {@code dispatch} and its variants: each row goes to the partition of its time (batch end,
 * event time, a date column or now; by hour, day, month or year), made when missing, or to the
 * table itself (table_mode=direct), changed first by the row mode (keep_all turns updates into
 * inserts and drops deletes, keep_latest turns updates into delete + insert), and written
 * statement by statement (load_mode=direct) or in bulk at the batch's end (load_mode=bulk).
 */
final class DispatchHandler implements LondisteHandler {

    private static final DateTimeFormatter FIELD_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final String handler;
    private final DispatchArgs args;
    /** Bulk loads of the batch, by destination table. */
    private final Map<String, BulkLoad> loads = new LinkedHashMap<>();
    /** Partitions seen in this batch (made if missing) and those whose rows are dropped as too old. */
    private final Set<String> checked = new HashSet<>();
    private final Set<String> ignored = new HashSet<>();
    private long checkedTick = -1;

    DispatchHandler(String handler, DispatchArgs args) {
        this.handler = handler;
        this.args = args;
    }

    /** Where rows go: the {@code table} argument, else the table's destination. */
    private String parent(HandlerContext context) {
        return args.table() != null ? args.table() : context.destination();
    }

    @Override
    public void process(PgqEvent ev, HandlerContext context) throws SQLException {
        if (args.tableMode().equals("ignore")) {
            return;
        }
        if (checkedTick != context.tickId()) {
            // a partition may have been dropped by hand or by retention between batches
            checked.clear();
            checkedTick = context.tickId();
        }
        if (RowEvents.isTruncate(ev)) {
            if (!args.ignoreTruncate()) {
                flush(context);
                try (Statement st = context.target().createStatement()) {
                    st.execute("truncate " + SqlNames.quoteFqName(parent(context)) + " cascade");
                }
            }
            return;
        }
        RowChange change = RowEvents.change(handler, ev);
        if (!args.eventTypes().contains(String.valueOf(change.op()))) {
            return;
        }
        Map<String, String> row = args.filter(change.row());
        List<String> keys = args.filterKeys(change.keys());
        String dest = parent(context);
        if (args.tableMode().equals("part")) {
            LocalDateTime time = partTime(ev, row, context);
            PartitionMaker parts = new PartitionMaker(args, parent(context));
            dest = parts.name(time);
            if (ignored.contains(dest)) {
                return;
            }
            if (checked.add(dest)) {
                if (args.ignoreOldEvents() && args.retentionPeriod() != null
                    && parts.isObsolete(context.target(), dest)) {
                    ignored.add(dest);
                    return;
                }
                context.writer().flush();
                if (parts.ensure(context.target(), dest, time, keys) && args.retentionPeriod() != null) {
                    for (String gone : parts.dropObsolete(context.target())) {
                        if (args.ignoreOldEvents()) {
                            ignored.add(gone);
                            loads.remove(gone);
                        }
                    }
                    if (ignored.contains(dest)) {
                        return;
                    }
                }
            }
        }
        switch (args.rowMode()) {
            case "keep_all" -> {
                if (change.op() == 'D') {
                    return;
                }
                write(context, dest, new RowChange('I', keys, row));
            }
            case "keep_latest" -> {
                if (change.op() == 'U') {
                    write(context, dest, new RowChange('D', keys, row));
                    write(context, dest, new RowChange('I', keys, row));
                } else {
                    write(context, dest, new RowChange(change.op(), keys, row));
                }
            }
            default -> write(context, dest, new RowChange(change.op(), keys, row));
        }
    }

    private void write(HandlerContext context, String dest, RowChange change) throws SQLException {
        if (args.loadMode().equals("bulk")) {
            BulkLoad load = loads.computeIfAbsent(dest, d -> new BulkLoad(d, args.method(), args.analyze()));
            load.add(change, context.target());
        } else {
            context.writer().write(dest, change);
        }
    }

    /** The time that picks the partition, in the worker's time zone as londiste3 takes it in its own. */
    private LocalDateTime partTime(PgqEvent ev, Map<String, String> row, HandlerContext context) throws SQLException {
        return switch (args.partMode()) {
            case "event_time" -> local(ev.time());
            case "current_time" -> LocalDateTime.now();
            case "date_field" -> {
                String v = row.get(args.partField());
                if (v == null) {
                    throw new SQLException("part_field(" + args.partField() + ") is NULL: event " + ev.id() + " of "
                                           + context.table());
                }
                yield parseField(v, ev);
            }
            default -> local(context.batchEnd());
        };
    }

    private static LocalDateTime local(OffsetDateTime t) {
        return t.atZoneSameInstant(ZoneId.systemDefault()).toLocalDateTime();
    }

    /** The first 19 characters as londiste3 reads them; a bare date is midnight. */
    private LocalDateTime parseField(String v, PgqEvent ev) throws SQLException {
        String s = v.length() > 19 ? v.substring(0, 19) : v;
        try {
            if (s.length() == 10) {
                return java.time.LocalDate.parse(s).atStartOfDay();
            }
            return LocalDateTime.parse(s.replace('T', ' '), FIELD_TIME);
        } catch (DateTimeParseException e) {
            throw new SQLException("part_field(" + args.partField() + ") value '" + v + "' of event " + ev.id()
                                   + " is no timestamp (yyyy-mm-dd hh:mm:ss)", e);
        }
    }

    private void flush(HandlerContext context) throws SQLException {
        context.writer().flush();
        for (BulkLoad l : loads.values()) {
            l.flush(context.target());
        }
    }

    @Override
    public void discard() {
        loads.clear();
        checked.clear();
    }

    @Override
    public void finishBatch(HandlerContext context) throws SQLException {
        flush(context);
        loads.clear();
    }

    /** A name londiste3 registers, with the defaults it puts under the user's arguments. */
    record Factory(String name, Map<String, String> defaults) implements HandlerFactory {

        @Override
        public String description() {
            if (defaults.isEmpty()) {
                return "Partitioned loader: rows go to the partition of their time (made when missing) or the table"
                       + " itself, by row mode, statement by statement or in bulk. Arguments: table_mode=part|direct"
                       + "|ignore, part_mode=batch_time|event_time|date_field|current_time, part_field=COLUMN,"
                       + " period=day|month|year|hour, part_name=TEMPLATE, part_template=SQL, pre_part=SQL,"
                       + " post_part=SQL, part_func=FUNC (default londiste.create_partition),"
                       + " retention_period=INTERVAL, ignore_old_events=0|1, row_mode=plain|keep_all|keep_latest,"
                       + " event_types=I,U,D, load_mode=direct|bulk, method=0|1|2|3, analyze=0|1, fields=MAP,"
                       + " skip_fields=LIST, table=NAME, ignore_truncate=0|1, encoding=utf8 (first value = default).";
            }
            StringBuilder d = new StringBuilder("dispatch with the defaults");
            defaults.forEach((k, v) -> d.append(' ').append(k).append('=').append(v));
            return d.append("; takes dispatch's arguments.").toString();
        }

        @Override
        public LondisteHandler create(String table, Map<String, String> userArgs) {
            Map<String, String> merged = new HashMap<>(defaults);
            merged.putAll(userArgs);
            return new DispatchHandler(name, DispatchArgs.parse(name, merged));
        }
    }

    /** dispatch, direct, bulk_direct and [bulk_]{hourly,daily,monthly,yearly}_{event,batch,field,time}. */
    static List<HandlerFactory> factories() {
        List<HandlerFactory> out = new java.util.ArrayList<>();
        out.add(new Factory("dispatch", Map.of()));
        Map<String, String> periods = new LinkedHashMap<>();
        periods.put("hourly", "hour");
        periods.put("daily", "day");
        periods.put("monthly", "month");
        periods.put("yearly", "year");
        Map<String, String> modes = new LinkedHashMap<>();
        modes.put("event", "event_time");
        modes.put("batch", "batch_time");
        modes.put("field", "date_field");
        modes.put("time", "current_time");
        for (String load : List.of("direct", "bulk")) {
            for (Map.Entry<String, String> p : periods.entrySet()) {
                for (Map.Entry<String, String> m : modes.entrySet()) {
                    Map<String, String> d = new LinkedHashMap<>();
                    d.put("table_mode", "part");
                    d.put("row_mode", "keep_latest");
                    d.put("load_mode", load);
                    d.put("period", p.getValue());
                    d.put("part_mode", m.getValue());
                    out.add(new Factory((load.equals("bulk") ? "bulk_" : "") + p.getKey() + "_" + m.getKey(), d));
                }
            }
        }
        out.add(new Factory("bulk_direct", Map.of("load_mode", "bulk", "table_mode", "direct")));
        out.add(new Factory("direct", Map.of("load_mode", "direct", "table_mode", "direct")));
        return out;
    }
}
