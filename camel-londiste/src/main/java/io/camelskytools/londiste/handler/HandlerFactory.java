package io.camelskytools.londiste.handler;

import java.util.Map;

/**
 * Makes a handler by name for a table, from its arguments (the {@code name(args)} of
 * table_attrs). Built-ins are in {@link Handlers}; more are found with
 * {@link java.util.ServiceLoader} (META-INF/services/io.camelskytools.londiste.handler.HandlerFactory).
 */
public interface HandlerFactory {

    /** The name add-table's {@code --handler} uses. */
    String name();

    /** One paragraph for show-handlers: what it does and its arguments. */
    String description();

    /** The handler of {@code table}; a bad argument is an IllegalArgumentException naming it. */
    LondisteHandler create(String table, Map<String, String> args);
}
