package io.camelskytools.routes.templates;

import java.util.function.Function;

import io.camelskytools.pgq.client.PgqEvent;

/**
 * queue_splitter's naming rule: the event field that names the queue an event goes to.
 * Skytools' default is ev_extra1, where pgq.logutriga and pgq.sqltriga put the table name.
 */
enum QueueField implements Function<PgqEvent, String> {

    TYPE(PgqEvent::type), EXTRA1(PgqEvent::extra1), EXTRA2(PgqEvent::extra2), EXTRA3(PgqEvent::extra3),
    EXTRA4(PgqEvent::extra4);

    private final Function<PgqEvent, String> getter;

    QueueField(Function<PgqEvent, String> getter) {
        this.getter = getter;
    }

    @Override
    public String apply(PgqEvent e) {
        String queue = getter.apply(e);
        if (queue == null || queue.isEmpty()) {
            // the batch fails and stays open: nothing is dropped on a guess
            throw new IllegalArgumentException("event " + e.id() + " has no queue name in ev_" + name().toLowerCase()
                                               + " (queue-field)");
        }
        return queue;
    }

    static QueueField of(String param, String value) {
        for (QueueField f : values()) {
            if (f.name().equalsIgnoreCase(value) || ("ev_" + f.name()).equalsIgnoreCase(value)) {
                return f;
            }
        }
        throw new IllegalArgumentException(param + " must be type, extra1, extra2, extra3 or extra4, not '" + value + "'");
    }
}
