package io.camelskytools.walmgr.archive;

/** The archive cannot be used or would be corrupted by what was asked: never retried blindly. */
public class WalArchiveException extends RuntimeException {

    public WalArchiveException(String message) {
        super(message);
    }

    public WalArchiveException(String message, Throwable cause) {
        super(message, cause);
    }
}
