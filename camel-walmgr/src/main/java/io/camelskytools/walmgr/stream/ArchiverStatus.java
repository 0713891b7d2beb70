package io.camelskytools.walmgr.stream;

import java.time.Instant;

/**
 * A snapshot of the streaming archiver.
 *
 * @param streaming         connected and receiving (false while reconnecting or stopped)
 * @param timeline          the timeline being archived (0 before the first connection)
 * @param receivedLsn       WAL up to here is written to the archive (maybe not fsynced yet)
 * @param flushedLsn        WAL up to here is durable in the archive and confirmed to the server (0 when nothing yet)
 * @param currentSegment    the segment being filled (its .partial), or null
 * @param bytesReceived     WAL bytes received since start
 * @param segmentsArchived  segments completed since start
 * @param lastFlush         when the archive was last fsynced, or null
 * @param lastError         why the last connection ended or failed, or null
 */
public record ArchiverStatus(boolean streaming, int timeline, long receivedLsn, long flushedLsn, String currentSegment,
                             long bytesReceived, long segmentsArchived, Instant lastFlush, String lastError) {
}
