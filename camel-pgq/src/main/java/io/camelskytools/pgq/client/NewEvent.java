package io.camelskytools.pgq.client;

/** An event to insert. */
public record NewEvent(String type, String data, String extra1, String extra2, String extra3, String extra4) {

    public static NewEvent of(String type, String data) {
        return new NewEvent(type, data, null, null, null, null);
    }
}
