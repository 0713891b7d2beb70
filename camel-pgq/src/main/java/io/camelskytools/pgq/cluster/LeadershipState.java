package io.camelskytools.pgq.cluster;

import java.time.Duration;

/**
 * Where one namespace stands in this process: not holding the lock, holding it while the
 * takeover delay runs, or leader. Only the view's checker thread changes it.
 */
final class LeadershipState {

    private static final long NOT_HELD = -1;

    private long heldSinceNanos = NOT_HELD;
    private volatile boolean leader;

    boolean holdsLock() {
        return heldSinceNanos != NOT_HELD;
    }

    boolean isLeader() {
        return leader;
    }

    void took(long nowNanos) {
        heldSinceNanos = nowNanos;
    }

    /** The lock is still ours: true when this makes us leader (the takeover delay has passed). */
    boolean confirmed(long nowNanos, Duration takeoverDelay) {
        if (leader || nowNanos - heldSinceNanos < takeoverDelay.toNanos()) {
            return false;
        }
        leader = true;
        return true;
    }

    /** The lock is gone (or given up): true when we were leader. */
    boolean release() {
        boolean was = leader;
        leader = false;
        heldSinceNanos = NOT_HELD;
        return was;
    }
}
