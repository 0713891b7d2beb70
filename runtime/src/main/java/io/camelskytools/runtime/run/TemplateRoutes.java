package io.camelskytools.runtime.run;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.camelskytools.routes.templates.SkytoolsTemplates;
import io.camelskytools.routes.templates.TemplateCatalog;
import io.camelskytools.routes.templates.TemplateParameter;
import io.camelskytools.runtime.config.DatabaseConfig;
import io.camelskytools.runtime.config.SkytoolsConfig;
import io.camelskytools.runtime.config.SkytoolsConfig.ConfigException;
import org.apache.camel.main.Main;

/**
 * The route templates of Skytools' consumer scripts (SkytoolsTemplates) and the routes
 * `skytools run` makes of them, one per skytools.template.NAME block: {@code .type} names
 * the template, every other key is a parameter, checked here so that an error names the key.
 * Database parameters take a configured database NAME and get its DataSource bean.
 */
final class TemplateRoutes extends SkytoolsTemplates {

    private static final String PREFIX = "skytools.template.";

    /** One route to make: its id (the block's NAME), the template and the parameters as Camel gets them. */
    private record Instance(String name, String template, Map<String, String> params) {
    }

    private final List<Instance> instances;

    private TemplateRoutes(List<Instance> instances) {
        this.instances = instances;
    }

    /** Reads and checks the skytools.template.NAME blocks (nothing runs yet). */
    static TemplateRoutes plan(SkytoolsConfig config, Map<String, DatabaseConfig> dbs) {
        List<Instance> instances = new ArrayList<>();
        for (String name : config.prefixedNames(PREFIX)) {
            if (dbs.isEmpty()) {
                throw new ConfigException(PREFIX + name + ".type needs a database (skytools.db.NAME.url)");
            }
            instances.add(instance(config, dbs, name));
        }
        return new TemplateRoutes(instances);
    }

    /**
     * Connections the routes hold at once in the pool of DataSource bean {@code bean}: a queue
     * consumer its poll and its tick listener in the queue's database and the batch's
     * transaction in the target; a walk its read cursor and its write transaction.
     */
    int connections(String bean) {
        int n = 0;
        for (Instance i : instances) {
            for (Map.Entry<String, String> p : i.params().entrySet()) {
                if (p.getValue().equals(bean)) {
                    n += switch (p.getKey()) {
                        case "db" -> 3;
                        case "source" -> i.template().equals(DATA_MAINTAINER) ? 1 : 2;
                        case "target" -> 1;
                        default -> 0;
                    };
                }
            }
            if (i.template().equals(DATA_MAINTAINER) && !i.params().containsKey("target")
                && bean.equals(i.params().get("source"))) {
                n++;
            }
        }
        return n;
    }

    /** Adds the templates (always, for the user's own templated routes) and the configured routes; returns their ids. */
    List<String> addTo(Main main, PrintWriter out) {
        main.configure().addRoutesBuilder(this);
        for (Instance i : instances) {
            out.println("skytools: template route " + i.name() + ": " + i.template() + " " + i.params().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ")));
        }
        return instances.stream().map(Instance::name).toList();
    }

    private static Instance instance(SkytoolsConfig config, Map<String, DatabaseConfig> dbs, String name) {
        String prefix = PREFIX + name + ".";
        if (!name.matches("[a-z0-9_\\-]+")) {
            throw new ConfigException("template route name '" + name + "' in " + prefix + "type may only use a-z, 0-9, _ and -");
        }
        String template = config.get(prefix + "type");
        if (template == null) {
            throw new ConfigException(prefix + "type is not set (one of " + String.join(", ", TemplateCatalog.names()) + ")");
        }
        List<TemplateParameter> parameters = TemplateCatalog.parameters(template);
        if (parameters == null) {
            throw new ConfigException(prefix + "type must be one of " + String.join(", ", TemplateCatalog.names()) + ", not '"
                                      + template + "'");
        }
        List<String> known = parameters.stream().map(TemplateParameter::name).toList();
        for (String key : config.fileKeys(prefix)) {
            String param = key.substring(prefix.length());
            if (!param.equals("type") && !known.contains(param)) {
                throw new ConfigException(key + " is not a parameter of " + template + " (it takes " + String.join(", ", known)
                                          + ")");
            }
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (TemplateParameter p : parameters) {
            String key = prefix + p.name();
            String value = config.get(key, defaultOf(p, name, dbs));
            if (value == null || value.isBlank()) {
                if (p.required()) {
                    throw new ConfigException(key + " is not set (" + template + ": " + p.description() + ")");
                }
                continue;
            }
            params.put(p.name(), value(config, dbs, key, p, value.strip()));
        }
        return new Instance(name, template, params);
    }

    /**
     * What a missing key means: the block's name for a consumer or walk name; for a source,
     * the database when there is only one (with several, a guess would be a surprise).
     */
    private static String defaultOf(TemplateParameter p, String name, Map<String, DatabaseConfig> dbs) {
        if (p.name().equals("consumer") || p.name().equals("name")) {
            return name;
        }
        if ((p.name().equals("source") || p.name().equals("db")) && dbs.size() == 1) {
            return dbs.keySet().iterator().next();
        }
        return p.defaultValue();
    }

    private static String value(SkytoolsConfig config, Map<String, DatabaseConfig> dbs, String key, TemplateParameter p,
                                String value) {
        if (p.kind() == TemplateParameter.Kind.DATA_SOURCE) {
            DatabaseConfig db = dbs.get(value);
            if (db == null) {
                throw new ConfigException(key + " names no configured database: '" + value + "' (configured: "
                                          + String.join(", ", dbs.keySet()) + ")");
            }
            return db.beanName();
        }
        if (p.kind() == TemplateParameter.Kind.DURATION) {
            // a default stays as the catalog wrote it; a configured value is checked by the runtime's duration rules
            Duration d = config.duration(key, null);
            return d == null ? value : Long.toString(d.toMillis());
        }
        try {
            p.check(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + " " + e.getMessage());
        }
        return value;
    }

    @Override
    public void configure() {
        super.configure();
        for (Instance i : instances) {
            var route = templatedRoute(i.template()).routeId(i.name());
            i.params().forEach(route::parameter);
        }
    }
}
