package io.camelskytools.walmgr.stream;

/** The archiver cannot work with this server or role as configured; retrying would not help. */
public class ArchiverStartException extends RuntimeException {

    public ArchiverStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
