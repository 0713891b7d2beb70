package io.camelskytools.walmgr.stream;

/** What IDENTIFY_SYSTEM says: the cluster, its current timeline and how far its WAL is flushed. */
public record ServerIdentity(long systemIdentifier, int timeline, long flushLsn) {
}
