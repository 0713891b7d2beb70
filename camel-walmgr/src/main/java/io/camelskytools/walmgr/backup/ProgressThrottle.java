package io.camelskytools.walmgr.backup;

import java.util.concurrent.TimeUnit;

/** Passes progress on no more often than the interval, so a big copy does not flood the sink. */
final class ProgressThrottle {

    private final String backup;
    private final BackupProgress sink;
    private final long intervalNanos;
    private final long total;
    private long copied;
    private long lastReport;

    ProgressThrottle(String backup, BackupProgress sink, long total) {
        this.backup = backup;
        this.sink = sink;
        this.total = total;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1);
        this.lastReport = System.nanoTime();
    }

    void add(long bytes) {
        copied += bytes;
        long now = System.nanoTime();
        if (now - lastReport >= intervalNanos) {
            lastReport = now;
            sink.progress(backup, copied, Math.max(total, copied));
        }
    }

    void done() {
        sink.progress(backup, copied, Math.max(total, copied));
    }
}
