package io.camelskytools.pgq.consumer;

import java.time.Duration;

/**
 * How big a batch may grow before it is handed out (next_batch_custom's knobs): stay
 * {@code minLag} behind the newest tick, merge ticks until about {@code minCount} events or
 * {@code minInterval} of time. Null means no such condition.
 */
public record BatchWindow(Duration minLag, Integer minCount, Duration minInterval) {

    public static final BatchWindow EVERY_TICK = new BatchWindow(null, null, null);
}
