package io.camelskytools.pgq;

import java.util.Map;

import javax.sql.DataSource;

/**
 * A consumer that keeps connections of its DataSources open for as long as it runs (beyond
 * what it borrows for a moment), so that whoever sizes the pools can count them before the
 * consumer starts.
 */
public interface HeldConnections {

    /** How many connections it keeps of each DataSource; known once its endpoint has started. */
    Map<DataSource, Integer> heldConnections();
}
