package io.camelskytools.pgq.consumer;

/** A batch could not be completed; it stays open and is delivered again. */
public class PgqBatchFailedException extends Exception {

    private static final long serialVersionUID = 1L;

    public PgqBatchFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
