package io.camelskytools.londiste.changes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelskytools.londiste.LondisteConstants;
import io.camelskytools.pgq.client.BatchInfo;
import org.apache.camel.Message;

/**
 * Fills the message of a {@code londiste:changes} exchange: one change (its row as the body,
 * or the whole change as a JSON object) or a group of changes of one batch (a List, or a
 * JSON array), with the batch's tick and the change's table, operation and key as headers.
 */
public final class ChangeMessages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String queue;
    private final String consumer;
    private final ChangeFormat format;

    public ChangeMessages(String queue, String consumer, ChangeFormat format) {
        this.queue = queue;
        this.consumer = consumer;
        this.format = format;
    }

    public void fillRow(Message m, BatchInfo batch, TableChange change) {
        batchHeaders(m, batch, 1);
        m.setHeader(LondisteConstants.TABLE, change.table());
        m.setHeader(LondisteConstants.OPERATION, change.operation());
        m.setHeader(LondisteConstants.KEY, change.key());
        m.setHeader(LondisteConstants.EVENT_ID, change.eventId());
        m.setHeader(LondisteConstants.TXID, change.txid());
        m.setHeader(LondisteConstants.EVENT_TIME, change.time());
        m.setBody(format == ChangeFormat.json ? text(document(batch, change)) : change.row());
    }

    public void fillBatch(Message m, BatchInfo batch, List<TableChange> changes) {
        batchHeaders(m, batch, changes.size());
        if (format == ChangeFormat.json) {
            List<Map<String, Object>> docs = new ArrayList<>(changes.size());
            for (TableChange c : changes) {
                docs.add(document(batch, c));
            }
            m.setBody(text(docs));
        } else {
            m.setBody(changes);
        }
    }

    private void batchHeaders(Message m, BatchInfo batch, int rows) {
        m.setHeader(LondisteConstants.QUEUE, queue);
        m.setHeader(LondisteConstants.CONSUMER, consumer);
        m.setHeader(LondisteConstants.BATCH_ID, batch.batchId());
        m.setHeader(LondisteConstants.TICK_ID, batch.curTickId());
        m.setHeader(LondisteConstants.ROWS, rows);
    }

    /** A JSON message usually travels without the headers, so it says everything itself. */
    private static Map<String, Object> document(BatchInfo batch, TableChange c) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("table", c.table());
        doc.put("operation", c.operation());
        doc.put("key", c.key());
        doc.put("row", c.row());
        doc.put("tick", batch.curTickId());
        doc.put("eventId", c.eventId());
        doc.put("txid", c.txid());
        doc.put("time", c.time() == null ? null : c.time().toString());
        return doc;
    }

    private static String text(Object doc) {
        try {
            return JSON.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a row change as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
