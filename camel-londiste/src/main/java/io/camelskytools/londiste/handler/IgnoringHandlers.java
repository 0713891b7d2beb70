package io.camelskytools.londiste.handler;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.camelskytools.pgq.client.PgqEvent;

/**
 * Handlers for tables whose changes are not applied here: {@code vtable} (and its old name
 * {@code fake_local}) registers the table without triggers, copy or even the table;
 * {@code qtable} makes the root's table a queue feeder (a BEFORE INSERT trigger that logs and
 * skips the row), nothing to copy or apply.
 */
final class IgnoringHandlers {

    static final HandlerFactory VTABLE = new Factory("vtable",
            "Virtual table: registered as replicated, no triggers, no copy, the table need not exist; events are"
            + " ignored.", List.of("virtual_table"));
    static final HandlerFactory FAKE_LOCAL = new Factory("fake_local", "Old name of vtable.", List.of("virtual_table"));
    static final HandlerFactory QTABLE = new Factory("qtable",
            "Queue table: on the root a BEFORE INSERT trigger logs each row and skips it; nothing is copied and events"
            + " are ignored on other nodes.", List.of("tgflags=BI", "SKIP", "expect_sync"));

    private IgnoringHandlers() {
    }

    private record Ignore(List<String> triggerArgs) implements LondisteHandler {
        @Override
        public void addTriggerArgs(List<String> args) {
            args.addAll(triggerArgs);
        }

        @Override
        public boolean needsTable() {
            return false;
        }

        @Override
        public void process(PgqEvent event, HandlerContext context) {
            // the table's events have nothing to do here
        }
    }

    private record Factory(String name, String description, List<String> triggerArgs) implements HandlerFactory {
        @Override
        public LondisteHandler create(String table, Map<String, String> args) {
            Handlers.checkArgs(name, args, Set.of());
            return new Ignore(triggerArgs);
        }
    }
}
