package io.camelskytools.pgq.consumer;

import java.util.List;

import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.PgqEvent;

/**
 * Hands events to the application (a Camel route, Londiste's applier, plain Java). A failure
 * of the events themselves is returned, for the {@link FailurePolicy} to decide; an
 * exception thrown stops the batch, which stays open (a consumer shutting down, say).
 */
@FunctionalInterface
public interface EventDelivery {

    /** Null when the events were handled; else why they failed. */
    Exception deliver(BatchInfo batch, List<PgqEvent> events) throws Exception;
}
