package io.camelskytools.londiste.changes;

/** The body of a {@code londiste:changes} exchange: the row as a Map, or the whole change as JSON text. */
public enum ChangeFormat {
    map, json
}
