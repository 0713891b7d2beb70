package io.camelskytools.pgq.ticker;

/**
 * When the ticker calls the database: at every timer run (the busy period) while some queue
 * ticked within {@code busyFor}, and once per idle period after that, so that a steady flow
 * is ticked within milliseconds while an idle database sees a few cheap calls a second. The
 * first events after a quiet spell wait at most one idle period.
 */
final class TickerPace {

    private final long idleNanos;
    private final long busyForNanos;
    private long lastCall;
    private long lastTicked;
    private boolean called;
    private boolean ticked;

    TickerPace(long idleNanos, long busyForNanos) {
        this.idleNanos = idleNanos;
        this.busyForNanos = busyForNanos;
    }

    /** Whether this timer run calls the database. */
    synchronized boolean due(long now) {
        return !called || ticked && now - lastTicked < busyForNanos || now - lastCall >= idleNanos;
    }

    /** Records a call made at {@code now} that ticked {@code queues} queues. */
    synchronized void called(long now, long queues) {
        called = true;
        lastCall = now;
        if (queues > 0) {
            ticked = true;
            lastTicked = now;
        }
    }

    /** A call that failed: it counts as a call, so an unreachable database is not hammered. */
    synchronized void failed(long now) {
        called = true;
        lastCall = now;
    }
}
