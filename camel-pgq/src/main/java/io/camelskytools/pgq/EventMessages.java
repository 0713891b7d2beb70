package io.camelskytools.pgq;

import java.util.List;

import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.PgqEvent;
import org.apache.camel.Message;

/** Puts events into a Camel message: the body and the CamelPgq* headers of {@link PgqConstants}. */
final class EventMessages {

    private final String queue;
    private final String consumer;
    private final boolean batchMode;

    EventMessages(String queue, String consumer, boolean batchMode) {
        this.queue = queue;
        this.consumer = consumer;
        this.batchMode = batchMode;
    }

    /** In batch mode the body is the List of events; else the one event's data, with its fields as headers. */
    void fill(Message in, BatchInfo batch, List<PgqEvent> events) {
        in.setHeader(PgqConstants.QUEUE, queue);
        in.setHeader(PgqConstants.CONSUMER, consumer);
        in.setHeader(PgqConstants.BATCH_ID, batch.batchId());
        if (batchMode) {
            in.setBody(events);
            return;
        }
        PgqEvent e = events.get(0);
        in.setBody(e.data());
        in.setHeader(PgqConstants.EVENT_ID, e.id());
        in.setHeader(PgqConstants.EVENT_TIME, e.time());
        in.setHeader(PgqConstants.TXID, e.txid());
        in.setHeader(PgqConstants.EVENT_TYPE, e.type());
        setIfPresent(in, PgqConstants.EXTRA1, e.extra1());
        setIfPresent(in, PgqConstants.EXTRA2, e.extra2());
        setIfPresent(in, PgqConstants.EXTRA3, e.extra3());
        setIfPresent(in, PgqConstants.EXTRA4, e.extra4());
        in.setHeader(PgqConstants.RETRY, e.retry());
    }

    private static void setIfPresent(Message in, String header, String value) {
        if (value != null) {
            in.setHeader(header, value);
        }
    }
}
