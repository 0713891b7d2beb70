package io.camelskytools.londiste.worker;

/**
 * The batch in hand must wait (a table's copy is handing over at this tick, or a merge-leaf
 * waits for its combined branch): it stays open and unapplied, and is taken again at the
 * next step. {@code idle}: the wait may be long, the worker rests between steps.
 */
final class BatchDeferred extends RuntimeException {

    private final boolean idle;

    BatchDeferred(String why) {
        this(why, false);
    }

    BatchDeferred(String why, boolean idle) {
        super(why, null, false, false);
        this.idle = idle;
    }

    boolean idle() {
        return idle;
    }
}
