package io.camelskytools.walmgr.backup;

import java.nio.file.Path;
import java.time.Instant;

import io.camelskytools.walmgr.wal.Lsn;

/**
 * A complete backup in a {@link BackupStore}, as listbackups shows it.
 *
 * @param dir      the backup's directory
 * @param manifest what it holds
 */
public record BackupInfo(Path dir, BackupManifest manifest) {

    public String name() {
        return manifest.name();
    }

    public String label() {
        return manifest.label();
    }

    public Instant startTime() {
        return manifest.startTime();
    }

    public Instant stopTime() {
        return manifest.stopTime();
    }

    public long startLsn() {
        return manifest.startLsn();
    }

    public long stopLsn() {
        return manifest.stopLsn();
    }

    /** The first WAL file recovery from this backup needs. */
    public String startSegment() {
        return manifest.startSegment().fileName(manifest.walSegmentSize());
    }

    public long sizeBytes() {
        return manifest.totalBytes();
    }

    /** One line for listings and logs. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%s  label=%s  start=%s  start-lsn=%s  first-wal=%s  size=%d",
                name(), label(), startTime(), Lsn.format(startLsn()), startSegment(), sizeBytes());
    }
}
