package io.camelskytools.pgq.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Lets a polling thread sleep until a tick is announced, or a timeout passes. */
public final class TickSignal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ticked = lock.newCondition();
    private boolean pending;

    public void signal() {
        lock.lock();
        try {
            pending = true;
            ticked.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code millis}; true if a tick came (and consumes it). */
    public boolean await(long millis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!pending && nanos > 0) {
                nanos = ticked.awaitNanos(nanos);
            }
            boolean got = pending;
            pending = false;
            return got;
        } finally {
            lock.unlock();
        }
    }
}
