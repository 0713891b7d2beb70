package io.camelskytools.londiste;

import org.apache.camel.spi.Metadata;

/**
 * Headers of {@code londiste:} exchanges: {@code londiste:worker} sends one per batch applied,
 * {@code londiste:changes} one per row change (or per group of a batch in batch mode).
 */
public final class LondisteConstants {

    @Metadata(description = "The queue the worker replicates, or the changes come from.", javaType = "String")
    public static final String QUEUE = "CamelLondisteQueue";

    @Metadata(label = "worker", description = "The node the worker applies to.", javaType = "String")
    public static final String NODE = "CamelLondisteNode";

    @Metadata(description = "The batch id on the provider.", javaType = "Long")
    public static final String BATCH_ID = "CamelLondisteBatchId";

    @Metadata(description = "The tick the batch ends at: what the node holds now (worker), the position the consumer"
                            + " records once the route succeeded for the whole batch (changes).", javaType = "Long")
    public static final String TICK_ID = "CamelLondisteTickId";

    @Metadata(label = "worker", description = "The events the batch held.", javaType = "Integer")
    public static final String EVENTS = "CamelLondisteEvents";

    @Metadata(label = "changes", description = "The cascaded consumer the changes are read as.", javaType = "String")
    public static final String CONSUMER = "CamelLondisteConsumer";

    @Metadata(label = "changes", description = "The changed table, as the queue names it (schema.table).",
              javaType = "String")
    public static final String TABLE = "CamelLondisteTable";

    @Metadata(label = "changes", description = "What happened to the row: INSERT, UPDATE, DELETE or TRUNCATE.",
              javaType = "String")
    public static final String OPERATION = "CamelLondisteOperation";

    @Metadata(label = "changes", description = "The primary key: column to text value, in key order.",
              javaType = "java.util.Map<String, String>")
    public static final String KEY = "CamelLondisteKey";

    @Metadata(label = "changes", description = "The event id of the change in its queue.", javaType = "Long")
    public static final String EVENT_ID = "CamelLondisteEventId";

    @Metadata(label = "changes", description = "The id of the transaction that changed the row.", javaType = "Long")
    public static final String TXID = "CamelLondisteTxid";

    @Metadata(label = "changes", description = "When the row was changed.", javaType = "java.time.OffsetDateTime")
    public static final String EVENT_TIME = "CamelLondisteEventTime";

    @Metadata(label = "changes", description = "The row changes the exchange holds (1 unless batchMode).",
              javaType = "Integer")
    public static final String ROWS = "CamelLondisteRows";

    private LondisteConstants() {
    }
}
