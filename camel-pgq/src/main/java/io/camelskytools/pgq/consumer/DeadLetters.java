package io.camelskytools.pgq.consumer;

import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.PgqEvent;

/** Where an event goes once its retries are used up. */
public interface DeadLetters {

    /** Sends the event on; throwing leaves its batch open. */
    void send(BatchInfo batch, PgqEvent event, Exception failure) throws Exception;

    /** Where that is, for logs. */
    String describe();
}
