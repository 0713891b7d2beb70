package io.camelskytools.jdbc;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells a server that cannot be reached (down, restarting, network cut, pool timed out:
 * worth trying again later) from one that answered with an error (worth reporting).
 */
public final class ServerErrors {

    private ServerErrors() {
    }

    /**
     * True when the cause chain holds a connection failure: SQLSTATE class 08, 57P01 / 57P02
     * (the server shut down or crashed under us), 57P03 (it is starting or in recovery), a
     * pool's connection timeout, or an I/O error below the driver.
     */
    public static boolean isUnreachable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                || t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException s && isUnreachableState(s.getSQLState())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static boolean isUnreachableState(String state) {
        return state != null
               && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"));
    }
}
