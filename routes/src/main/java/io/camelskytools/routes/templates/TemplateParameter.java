package io.camelskytools.routes.templates;

import java.util.List;

/**
 * One parameter of a route template: its name, what kind of value it takes, its default
 * (null: required, unless optional), what it means, and the Skytools setting it stands for.
 */
public record TemplateParameter(String name, Kind kind, String defaultValue, boolean optional, String description,
                                String skytoolsName, List<String> choices) {

    /** What a value must look like. */
    public enum Kind {
        /** the name of a DataSource bean (in skytools.properties: a database NAME) */
        DATA_SOURCE,
        /** a queue, consumer or route name: letters, digits, _ . - (it goes into an endpoint URI) */
        NAME,
        /** SQL, with %(field)s where a bound value goes */
        SQL,
        /** SQL taken as it is */
        QUERY,
        /** an SQL condition on the event row (Skytools' consumer_filter) */
        CONDITION,
        /** a whole number of at least 1 */
        COUNT,
        /** a duration: 0, 500ms, 2s, 5m */
        DURATION,
        /** one of {@link #choices} */
        CHOICE
    }

    public boolean required() {
        return defaultValue == null && !optional;
    }

    /** Checks a value; the message of the exception says what is wrong with it (not where it came from). */
    public void check(String value) {
        switch (kind) {
            case NAME, DATA_SOURCE -> {
                if (!value.matches("[A-Za-z0-9_.\\-]+")) {
                    throw new IllegalArgumentException("may only use letters, digits, _ . -, not '" + value + "'");
                }
            }
            case SQL -> NamedSql.parse(value);
            case CONDITION -> ConsumerFilter.check(value);
            case QUERY -> {
                if (value.isBlank()) {
                    throw new IllegalArgumentException("is empty: it must be an SQL query");
                }
            }
            case COUNT -> {
                try {
                    if (Integer.parseInt(value.trim()) >= 1) {
                        return;
                    }
                } catch (NumberFormatException e) {
                    // said below
                }
                throw new IllegalArgumentException("must be a whole number of at least 1, not '" + value + "'");
            }
            case CHOICE -> {
                if (!choices.contains(value.toLowerCase())) {
                    throw new IllegalArgumentException("must be " + String.join(", ", choices) + ", not '" + value + "'");
                }
            }
            case DURATION -> {
                // checked where it is read: the runtime by its duration rules, the template by Camel's
            }
        }
    }

    static TemplateParameter required(String name, Kind kind, String description, String skytools) {
        return new TemplateParameter(name, kind, null, false, description, skytools, List.of());
    }

    static TemplateParameter withDefault(String name, Kind kind, String dflt, String description, String skytools) {
        return new TemplateParameter(name, kind, dflt, false, description, skytools, List.of());
    }

    static TemplateParameter optional(String name, Kind kind, String description, String skytools) {
        return new TemplateParameter(name, kind, null, true, description, skytools, List.of());
    }

    static TemplateParameter choice(String name, String dflt, List<String> choices, String description, String skytools) {
        return new TemplateParameter(name, Kind.CHOICE, dflt, false, description, skytools, choices);
    }
}
