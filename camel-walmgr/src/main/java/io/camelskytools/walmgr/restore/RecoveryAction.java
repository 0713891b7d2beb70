package io.camelskytools.walmgr.restore;

/** What the server does once it reaches a recovery target (recovery_target_action). */
public enum RecoveryAction {
    /** Open for writes on a new timeline: the point of a point-in-time recovery. */
    PROMOTE,
    /** Stay read-only and paused, to look before deciding (PostgreSQL's default). */
    PAUSE,
    /** Stop the server. */
    SHUTDOWN;

    String setting() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
