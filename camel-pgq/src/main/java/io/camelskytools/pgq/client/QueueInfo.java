package io.camelskytools.pgq.client;

import java.time.Duration;

/**
 * One row of pgq.get_queue_info(), the figures a reader computes with. {@code evPerSec} is
 * null when PgQ cannot tell (the last ticks have the same time).
 */
public record QueueInfo(String queueName, int tables, int curTable, boolean externalTicker, boolean tickerPaused,
                        Duration tickerLag, Double evPerSec, long evNew, long lastTickId) {

    /** Whether a ticker of this database should tick the queue (not paused, not ticked from outside). */
    public boolean tickedHere() {
        return !tickerPaused && !externalTicker;
    }
}
