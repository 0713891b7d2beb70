package io.camelskytools.walmgr.standby;

/** A standby could not be controlled as asked; the message names the server. */
public class StandbyException extends RuntimeException {

    public StandbyException(String message) {
        super(message);
    }

    public StandbyException(String message, Throwable cause) {
        super(message, cause);
    }
}
