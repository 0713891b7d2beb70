package io.camelskytools.walmgr.restore;

/** A restore that cannot be done as asked; the message names the backup, directory or target at fault. */
public class RestoreException extends RuntimeException {

    public RestoreException(String message) {
        super(message);
    }

    public RestoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
