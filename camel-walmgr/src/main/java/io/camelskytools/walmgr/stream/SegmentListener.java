package io.camelskytools.walmgr.stream;

import io.camelskytools.walmgr.archive.ArchivedFile;

/** Told about each segment the moment it is complete and durable in the archive. */
@FunctionalInterface
public interface SegmentListener {

    /**
     * Called on the archiver's thread: keep it short (hand work to another thread), or
     * streaming waits.
     *
     * @param endLsn the WAL position just past the segment
     */
    void segmentArchived(ArchivedFile file, long endLsn);
}
