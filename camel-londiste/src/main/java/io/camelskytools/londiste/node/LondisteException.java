package io.camelskytools.londiste.node;

/**
 * A refusal from pgq_node or londiste (a ret_code of 400 or more) or a state the worker
 * cannot go on from; the message is what the function said, with what was asked.
 */
public class LondisteException extends RuntimeException {

    private final int code;

    public LondisteException(int code, String message) {
        super(message);
        this.code = code;
    }

    public LondisteException(String message) {
        this(0, message);
    }

    public LondisteException(String message, Throwable cause) {
        super(message, cause);
        this.code = 0;
    }

    /** The function's ret_code, 0 when the error is not one. */
    public int code() {
        return code;
    }
}
