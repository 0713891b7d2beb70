package io.camelskytools.walmgr.backup;

/** A backup, listing or retention step that cannot go on; the message names what was wrong. */
public class BackupException extends RuntimeException {

    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
