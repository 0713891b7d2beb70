package io.camelskytools.walmgr.backup;

/** Told how far a copy is; called at most once per second, and once more at the end. */
@FunctionalInterface
public interface BackupProgress {

    void progress(String backup, long bytesCopied, long bytesTotal);
}
