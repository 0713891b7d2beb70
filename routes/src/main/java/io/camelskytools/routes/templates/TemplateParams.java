package io.camelskytools.routes.templates;

import java.time.Duration;

import javax.sql.DataSource;

import io.camelskytools.pgq.PgqTargetDataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.RouteTemplateContext;
import org.apache.camel.util.TimeUtils;

/**
 * The parameters of one route made from a template, read and checked for its local beans;
 * every error names the template and the parameter.
 */
final class TemplateParams {

    private final RouteTemplateContext rtc;
    private final String template;

    TemplateParams(RouteTemplateContext rtc, String template) {
        this.rtc = rtc;
        this.template = template;
    }

    String text(String param) {
        String v = rtc.getProperty(param, String.class);
        if (v == null || v.isBlank()) {
            throw bad(param + " is not set");
        }
        return v;
    }

    String optional(String param, String dflt) {
        String v = rtc.getProperty(param, String.class);
        return v == null || v.isBlank() ? dflt : v;
    }

    int positive(String param) {
        String v = text(param);
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw bad(param + " must be a whole number of at least 1, not '" + v + "'");
    }

    Duration duration(String param) {
        String v = text(param);
        try {
            long ms = TimeUtils.toMilliSeconds(v.trim());
            if (ms >= 0) {
                return Duration.ofMillis(ms);
            }
        } catch (RuntimeException e) {
            // said below
        }
        throw bad(param + " must be a duration like 0, 500ms, 2s or 5m, not '" + v + "'");
    }

    NamedSql sql(String param) {
        try {
            return NamedSql.parse(param, text(param));
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    /** A choice of true / false (Skytools' 1 / 0). */
    boolean flag(String param) {
        String v = text(param).trim().toLowerCase();
        if (v.equals("true") || v.equals("1")) {
            return true;
        }
        if (v.equals("false") || v.equals("0")) {
            return false;
        }
        throw bad(param + " must be true, false, 1 or 0, not '" + v + "'");
    }

    /** The consumer filter, or null when none is set. */
    ConsumerFilter consumerFilter(String param) {
        String v = optional(param, null);
        try {
            return v == null ? null : ConsumerFilter.parse(param, v);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    /** Whether only row events get the statement (events = rows) or all (events = all). */
    boolean rowEventsOnly(String param) {
        String v = text(param).trim().toLowerCase();
        if (TemplateCatalog.EVENT_KINDS.contains(v)) {
            return v.equals("rows");
        }
        throw bad(param + " must be rows or all, not '" + v + "'");
    }

    /** The statement of an optional parameter, or null when it is not set. */
    NamedSql optionalSql(String param) {
        return optional(param, null) == null ? null : sql(param);
    }

    DataFormat dataFormat(String param) {
        try {
            return DataFormat.of(param, text(param));
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    QueueField queueField(String param) {
        try {
            return QueueField.of(param, text(param));
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    /** The DataSource bean the parameter names. */
    DataSource dataSource(String param) {
        String bean = text(param);
        DataSource ds = rtc.getCamelContext().getRegistry().lookupByNameAndType(bean, DataSource.class);
        if (ds == null) {
            throw bad(param + " names no DataSource bean: '" + bean + "'");
        }
        return ds;
    }

    /**
     * One PgqTargetDataSource per target bean, shared by every template on it (bound as
     * {@code pgq-tx-<bean>}): a route's consumer and its writer must use the same one.
     */
    PgqTargetDataSource transactions(String param) {
        DataSource ds = dataSource(param);
        if (ds instanceof PgqTargetDataSource tx) {
            return tx;
        }
        CamelContext camel = rtc.getCamelContext();
        String name = "pgq-tx-" + text(param);
        synchronized (TemplateParams.class) {
            PgqTargetDataSource tx = camel.getRegistry().lookupByNameAndType(name, PgqTargetDataSource.class);
            if (tx == null) {
                tx = new PgqTargetDataSource(ds);
                camel.getRegistry().bind(name, PgqTargetDataSource.class, tx);
            }
            return tx;
        }
    }

    private IllegalArgumentException bad(String what) {
        String route = rtc.getProperty("routeId", String.class);
        return new IllegalArgumentException("route template " + template + (route == null ? "" : " (route " + route + ")")
                                            + ": " + what);
    }
}
