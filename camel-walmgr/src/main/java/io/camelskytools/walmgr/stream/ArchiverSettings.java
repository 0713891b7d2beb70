package io.camelskytools.walmgr.stream;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How the streaming archiver behaves.
 *
 * @param slot              the physical replication slot that keeps WAL on the server while we are away
 * @param createSlot        create the slot when it does not exist
 * @param flushInterval     newly received WAL is durable (fsynced) and confirmed within this
 * @param compress          store completed segments gzipped
 * @param maxReconnectDelay the longest wait between attempts while the server is away
 * @param synchronous       also fsync and confirm as soon as the server has nothing more to send, as a
 *                          synchronous standby must: listed in synchronous_standby_names, the primary
 *                          acknowledges a commit only once it is durable in the archive
 */
public record ArchiverSettings(String slot, boolean createSlot, Duration flushInterval, boolean compress,
                               Duration maxReconnectDelay, boolean synchronous) {

    private static final Pattern SLOT = Pattern.compile("[a-z0-9_]{1,63}");

    public ArchiverSettings {
        if (slot == null || !SLOT.matcher(slot).matches()) {
            throw new IllegalArgumentException("Replication slot name must be 1-63 of a-z, 0-9 and _, not " + slot);
        }
        if (flushInterval == null || flushInterval.toMillis() < 10) {
            throw new IllegalArgumentException("flushInterval must be at least 10 ms, not " + flushInterval);
        }
        if (maxReconnectDelay == null || maxReconnectDelay.toMillis() < 100) {
            throw new IllegalArgumentException("maxReconnectDelay must be at least 100 ms, not " + maxReconnectDelay);
        }
    }

    /**
     * Slot "walmgr" (created if missing), 500 ms flushes, no compression, reconnect at least
     * every 5 s. 500 ms, not 1 s: an fsync under write load can take a few hundred ms itself,
     * and the archive must stay within a second of the primary (docs/performance.md).
     */
    public static ArchiverSettings defaults() {
        return new ArchiverSettings("walmgr", true, Duration.ofMillis(500), false, Duration.ofSeconds(5), false);
    }

    public ArchiverSettings withSlot(String s) {
        return new ArchiverSettings(s, createSlot, flushInterval, compress, maxReconnectDelay, synchronous);
    }

    public ArchiverSettings withCreateSlot(boolean c) {
        return new ArchiverSettings(slot, c, flushInterval, compress, maxReconnectDelay, synchronous);
    }

    public ArchiverSettings withFlushInterval(Duration d) {
        return new ArchiverSettings(slot, createSlot, d, compress, maxReconnectDelay, synchronous);
    }

    public ArchiverSettings withCompress(boolean c) {
        return new ArchiverSettings(slot, createSlot, flushInterval, c, maxReconnectDelay, synchronous);
    }

    public ArchiverSettings withMaxReconnectDelay(Duration d) {
        return new ArchiverSettings(slot, createSlot, flushInterval, compress, d, synchronous);
    }

    public ArchiverSettings withSynchronous(boolean s) {
        return new ArchiverSettings(slot, createSlot, flushInterval, compress, maxReconnectDelay, s);
    }
}
