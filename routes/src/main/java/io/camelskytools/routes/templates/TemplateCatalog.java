package io.camelskytools.routes.templates;

import static io.camelskytools.routes.templates.TemplateParameter.choice;
import static io.camelskytools.routes.templates.TemplateParameter.optional;
import static io.camelskytools.routes.templates.TemplateParameter.required;
import static io.camelskytools.routes.templates.TemplateParameter.withDefault;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.camelskytools.routes.templates.TemplateParameter.Kind;

/**
 * The parameters of each template, in one place: SkytoolsTemplates declares them to Camel,
 * and `skytools run` checks skytools.template.NAME.* against them.
 */
public final class TemplateCatalog {

    public static final List<String> DATA_FORMATS = List.of("urlenc", "json", "none");
    public static final List<String> EVENT_KINDS = List.of("rows", "all");
    public static final List<String> BOOLEANS = List.of("true", "false", "1", "0");
    public static final List<String> QUEUE_FIELDS = List.of("type", "extra1", "extra2", "extra3", "extra4");

    private static final Map<String, List<TemplateParameter>> TEMPLATES = new LinkedHashMap<>();

    static {
        TemplateParameter queue = required("queue", Kind.NAME, "queue to read", "pgq_queue_name");
        TemplateParameter consumer = required("consumer", Kind.NAME, "consumer name on the queue", "job_name");
        TemplateParameter chunk = withDefault("chunk-size", Kind.COUNT, "1000", "events handed on at a time (one statement"
                                                                                 + " per target queue for the movers)", null);
        TemplateParameter source = required("source", Kind.DATA_SOURCE, "the queue's database", "src_db");
        TemplateParameter query = required("query", Kind.SQL, "statement per event, %(field)s bound as a value",
                "dst_query");
        TemplateParameter format = choice("data-format", "urlenc", DATA_FORMATS, "how ev_data gives fields", null);
        TemplateParameter filter = optional("consumer-filter", Kind.CONDITION, "only events for which this SQL condition"
                                            + " on the event row holds (e.g. ev_extra1 = 'public.users')", "consumer_filter");
        TemplateParameter events = choice("events", "rows", EVENT_KINDS, "rows: only row events (ev_type I:, U:, D:),"
                                          + " as Skytools; all: every event", null);
        TEMPLATES.put(SkytoolsTemplates.QUEUE_MOVER, List.of(source,
                required("target", Kind.DATA_SOURCE, "the target queue's database", "dst_db"), queue, consumer,
                optional("target-queue", Kind.NAME, "queue in the target database; default: queue", "dst_queue_name"),
                chunk));
        TEMPLATES.put(SkytoolsTemplates.QUEUE_SPLITTER, List.of(source,
                required("target", Kind.DATA_SOURCE, "the target queues' database", "dst_db"), queue, consumer,
                choice("queue-field", "extra1", QUEUE_FIELDS, "the event field naming each event's target queue (extra1:"
                                                              + " the table name of trigger events)", null),
                chunk));
        TEMPLATES.put(SkytoolsTemplates.SIMPLE_CONSUMER, List.of(source,
                required("target", Kind.DATA_SOURCE, "the database the statement runs in", "dst_db"), queue, consumer,
                query, format, events, filter, chunk));
        TEMPLATES.put(SkytoolsTemplates.SIMPLE_LOCAL_CONSUMER, List.of(
                required("db", Kind.DATA_SOURCE, "the queue's database, where the statement runs", "db"), queue, consumer,
                query, format, events, filter, chunk));
        TEMPLATES.put(SkytoolsTemplates.DATA_MAINTAINER, List.of(
                required("name", Kind.NAME, "names the walk in logs and its timer", "job_name"),
                required("source", Kind.DATA_SOURCE, "the database the chunk query reads", "dbread"),
                optional("target", Kind.DATA_SOURCE, "the database the row statement writes; default: source", "dbwrite"),
                required("chunk-query", Kind.QUERY, "the rows to walk", "sql_get_pk_list"),
                required("row-statement", Kind.SQL, "statement per row, %(column)s bound as a value", "sql_modify"),
                withDefault("fetch-count", Kind.COUNT, "100", "rows read from the cursor at a time", "fetch_count"),
                choice("autocommit", "true", BOOLEANS, "true: each row statement commits by itself, as Skytools; false:"
                                                        + " commit-interval rows commit together", "autocommit"),
                withDefault("commit-interval", Kind.COUNT, "100", "rows between pauses, and per write transaction"
                                                                  + " when autocommit is false", null),
                withDefault("sleep", Kind.DURATION, "0", "pause after each commit-interval rows (throttling)",
                        "commit_delay"),
                optional("sql-before-run", Kind.SQL, "statement before each walk, on the write database; a query's one"
                                                     + " row gives %(column)s to the row statement", "sql_before_run"),
                optional("sql-after-run", Kind.SQL, "statement after each walk, with the last row's %(column)s",
                        "sql_after_run"),
                choice("after-zero-rows", "true", BOOLEANS, "whether sql-after-run runs after a walk of no rows",
                        "after_zero_rows"),
                optional("sql-on-crash", Kind.SQL, "statement when a row statement fails, with that row's %(column)s",
                        "sql_on_crash"),
                withDefault("loop-delay", Kind.DURATION, "0", "a walk starts this long after the previous one started;"
                                                              + " 0: one walk only, as Skytools without loop_delay",
                        "loop_delay")));
    }

    private TemplateCatalog() {
    }

    /** The template names, in the order of docs/templates.md. */
    public static List<String> names() {
        return List.copyOf(TEMPLATES.keySet());
    }

    /** The parameters of a template, or null when there is no such template. */
    public static List<TemplateParameter> parameters(String template) {
        return TEMPLATES.get(template);
    }
}
