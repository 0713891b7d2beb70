package io.camelskytools.routes.templates;

import io.camelskytools.pgq.PgqTargetDataSource;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteTemplateDefinition;

/**
 * Skytools' consumer scripts as Camel route templates: queue-mover, queue-splitter,
 * simple-consumer, simple-local-consumer and data-maintainer (docs/templates.md). Data
 * sources are given as names of DataSource beans. The four queue consumers are exactly
 * once through pgq_ext: their writes and the record of the batch commit in one transaction
 * in the target database.
 */
public class SkytoolsTemplates extends RouteBuilder {

    public static final String QUEUE_MOVER = "queue-mover";
    public static final String QUEUE_SPLITTER = "queue-splitter";
    public static final String SIMPLE_CONSUMER = "simple-consumer";
    public static final String SIMPLE_LOCAL_CONSUMER = "simple-local-consumer";
    public static final String DATA_MAINTAINER = "data-maintainer";

    // events of a batch reach the processors in chunks of this many (one exchange each)
    private static final String CHUNKS = "&batchMode=true&maxEventsPerExchange={{chunk-size}}";

    @Override
    public void configure() {
        declare(routeTemplate(QUEUE_MOVER), QUEUE_MOVER)
                .templateBean("tx", PgqTargetDataSource.class, rtc -> new TemplateParams(rtc, QUEUE_MOVER).transactions("target"))
                .templateBean("copy", QueueCopy.class, rtc -> {
                    TemplateParams p = new TemplateParams(rtc, QUEUE_MOVER);
                    String to = p.optional("target-queue", p.text("queue"));
                    return new QueueCopy(p.transactions("target"), e -> to);
                })
                .from(consumer("source") + CHUNKS)
                .process("{{copy}}");

        declare(routeTemplate(QUEUE_SPLITTER), QUEUE_SPLITTER)
                .templateBean("tx", PgqTargetDataSource.class, rtc -> new TemplateParams(rtc, QUEUE_SPLITTER).transactions("target"))
                .templateBean("copy", QueueCopy.class, rtc -> {
                    TemplateParams p = new TemplateParams(rtc, QUEUE_SPLITTER);
                    return new QueueCopy(p.transactions("target"), p.queueField("queue-field"));
                })
                .from(consumer("source") + CHUNKS)
                .process("{{copy}}");

        declare(routeTemplate(SIMPLE_CONSUMER), SIMPLE_CONSUMER)
                .templateBean("tx", PgqTargetDataSource.class, rtc -> new TemplateParams(rtc, SIMPLE_CONSUMER).transactions("target"))
                .templateBean("statements", EventStatements.class, rtc -> statements(new TemplateParams(rtc, SIMPLE_CONSUMER), "target"))
                .from(consumer("source") + CHUNKS)
                .process("{{statements}}");

        declare(routeTemplate(SIMPLE_LOCAL_CONSUMER), SIMPLE_LOCAL_CONSUMER)
                .templateBean("tx", PgqTargetDataSource.class, rtc -> new TemplateParams(rtc, SIMPLE_LOCAL_CONSUMER).transactions("db"))
                .templateBean("statements", EventStatements.class,
                        rtc -> statements(new TemplateParams(rtc, SIMPLE_LOCAL_CONSUMER), "db"))
                .from(consumer("db") + CHUNKS)
                .process("{{statements}}");

        declare(routeTemplate(DATA_MAINTAINER), DATA_MAINTAINER)
                .templateBean("walk", ChunkWalk.class, rtc -> {
                    TemplateParams p = new TemplateParams(rtc, DATA_MAINTAINER);
                    return new ChunkWalk(p.text("name"), p.dataSource("source"),
                            p.dataSource(p.optional("target", null) == null ? "source" : "target"), p.text("chunk-query"),
                            p.sql("row-statement"), p.positive("fetch-count"), p.flag("autocommit"), p.positive("commit-interval"),
                            p.duration("sleep"), hooks(p));
                })
                // not delay=0: a tick that comes before the consumer has finished starting is dropped, and
                // with loop-delay=0 that is the only one
                .from("timer:skytools-maintainer-{{name}}?delay=500&period={{loop-delay}}")
                .process("{{walk}}");
    }

    /** Declares the template's parameters as the catalog has them. */
    private static RouteTemplateDefinition declare(RouteTemplateDefinition template, String name) {
        for (TemplateParameter p : TemplateCatalog.parameters(name)) {
            if (p.optional()) {
                template.templateOptionalParameter(p.name(), p.description());
            } else {
                template.templateParameter(p.name(), p.defaultValue(), p.description());
            }
        }
        return template;
    }

    /** An exactly-once pgq consumer reading from the DataSource bean of {@code dbParam} into the local bean tx. */
    private static String consumer(String dbParam) {
        return "pgq:{{queue}}?dataSource=#{{" + dbParam + "}}&consumerName={{consumer}}&targetDataSource=#{{tx}}";
    }

    private static WalkHooks hooks(TemplateParams p) {
        return new WalkHooks(p.optionalSql("sql-before-run"), p.optionalSql("sql-after-run"), p.flag("after-zero-rows"),
                p.optionalSql("sql-on-crash"));
    }

    private static EventStatements statements(TemplateParams p, String targetParam) {
        return new EventStatements(p.transactions(targetParam), p.sql("query"), p.dataFormat("data-format"),
                p.rowEventsOnly("events"), p.consumerFilter("consumer-filter"));
    }
}
