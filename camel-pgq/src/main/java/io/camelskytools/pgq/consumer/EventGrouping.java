package io.camelskytools.pgq.consumer;

import java.util.ArrayList;
import java.util.List;

import io.camelskytools.pgq.client.PgqEvent;

/** How the events of a batch are handed on: one delivery per event, or chunks of at most {@code max} events. */
public final class EventGrouping {

    private final int max;

    private EventGrouping(int max) {
        this.max = max;
    }

    public static EventGrouping perEvent() {
        return new EventGrouping(1);
    }

    public static EventGrouping chunksOf(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("a chunk holds at least 1 event, not " + max);
        }
        return new EventGrouping(max);
    }

    /** The deliveries the events make, in order; each list is the caller's to keep. */
    public List<List<PgqEvent>> split(List<PgqEvent> events) {
        List<List<PgqEvent>> out = new ArrayList<>((events.size() + max - 1) / max);
        for (int i = 0; i < events.size(); i += max) {
            out.add(max == 1 ? List.of(events.get(i)) : new ArrayList<>(events.subList(i, Math.min(events.size(), i + max))));
        }
        return out;
    }
}
