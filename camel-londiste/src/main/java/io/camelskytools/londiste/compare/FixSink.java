package io.camelskytools.londiste.compare;

import java.sql.SQLException;

/** Where repair's fix statements go: a file, or the subscriber itself. */
interface FixSink extends AutoCloseable {

    void accept(String statement) throws SQLException;

    /** All statements are in: make them count. */
    void finish() throws SQLException;

    /** Ends it; what was not finished is dropped. */
    @Override
    void close() throws SQLException;
}
