package io.camelskytools.londiste.worker;

/**
 * The batch in hand must wait (a table's copy is handing over at this tick): it stays open
 * and unapplied, and is taken again at the next step.
 */
final class BatchDeferred extends RuntimeException {

    BatchDeferred(String why) {
        super(why, null, false, false);
    }
}
