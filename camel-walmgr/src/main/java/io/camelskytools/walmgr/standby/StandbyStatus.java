package io.camelskytools.walmgr.standby;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a server's recovery stands.
 *
 * @param inRecovery      pg_is_in_recovery(): false once promoted (or for a primary)
 * @param paused          replay is paused (pg_wal_replay_pause), or a pause was asked and is being reached
 * @param receiveLsn      last WAL received by streaming and flushed, -1 when not streaming
 * @param replayLsn       last WAL replayed, -1 when not in recovery
 * @param lastReplayed    commit time of the last replayed transaction, null when none yet
 * @param replayLag       time since that commit while WAL received is not yet replayed; zero when caught up;
 *                        null when unknown
 * @param walReceiver     pg_stat_wal_receiver's status ("streaming", "waiting", ...); null when no receiver runs
 *                        (not configured, cannot connect to its primary, or following the archive only)
 */
public record StandbyStatus(boolean inRecovery, boolean paused, long receiveLsn, long replayLsn, Instant lastReplayed,
                            Duration replayLag, String walReceiver) {
}
