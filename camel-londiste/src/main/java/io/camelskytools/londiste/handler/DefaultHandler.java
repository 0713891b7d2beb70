package io.camelskytools.londiste.handler;

import java.sql.SQLException;
import java.util.Map;
import java.util.Set;

import io.camelskytools.londiste.apply.TableChangeApplier;
import io.camelskytools.pgq.client.PgqEvent;

/** {@code londiste}: applies the table's changes to it (INSERT, UPDATE, DELETE, TRUNCATE unless ignore_truncate=1). */
final class DefaultHandler implements LondisteHandler {

    static final HandlerFactory FACTORY = new Factory("londiste",
            "Applies the table's changes to it (the default). Arguments: ignore_truncate=0|1 (default 0),"
            + " encoding=utf8.");

    private final Map<String, String> args;

    private DefaultHandler(Map<String, String> args) {
        this.args = args;
    }

    @Override
    public void process(PgqEvent event, HandlerContext context) throws SQLException {
        new TableChangeApplier(context.writer()).apply(event, context.destination(), args);
    }

    record Factory(String name, String description) implements HandlerFactory {
        @Override
        public LondisteHandler create(String table, Map<String, String> args) {
            Handlers.checkArgs(name, args, Set.of("ignore_truncate", "encoding"));
            Handlers.checkChoice(name, args, "ignore_truncate", "0", "1");
            Encoding.check(name, args);
            return new DefaultHandler(args);
        }
    }
}
