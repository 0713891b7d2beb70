package io.camelskytools.pgq;

import org.apache.camel.spi.Metadata;

/** Message headers of the pgq component. */
public final class PgqConstants {

    @Metadata(label = "consumer", description = "The queue the event came from.", javaType = "String")
    public static final String QUEUE = "CamelPgqQueue";
    @Metadata(label = "consumer", description = "The consumer that read the event.", javaType = "String")
    public static final String CONSUMER = "CamelPgqConsumer";
    @Metadata(label = "consumer", description = "The batch the event belongs to.", javaType = "long")
    public static final String BATCH_ID = "CamelPgqBatchId";
    @Metadata(description = "The event id (ev_id). Producer: the id of the inserted event.", javaType = "long")
    public static final String EVENT_ID = "CamelPgqEventId";
    @Metadata(label = "producer", description = "The ids of the events a List body inserted, in order.",
              javaType = "java.util.List<Long>")
    public static final String EVENT_IDS = "CamelPgqEventIds";
    @Metadata(label = "consumer", description = "When the event was inserted (ev_time).", javaType = "java.time.OffsetDateTime")
    public static final String EVENT_TIME = "CamelPgqEventTime";
    @Metadata(label = "consumer", description = "The inserting transaction (ev_txid).", javaType = "long")
    public static final String TXID = "CamelPgqTxid";
    @Metadata(description = "The event type (ev_type).", javaType = "String")
    public static final String EVENT_TYPE = "CamelPgqEventType";
    @Metadata(description = "ev_extra1.", javaType = "String")
    public static final String EXTRA1 = "CamelPgqExtra1";
    @Metadata(description = "ev_extra2.", javaType = "String")
    public static final String EXTRA2 = "CamelPgqExtra2";
    @Metadata(description = "ev_extra3.", javaType = "String")
    public static final String EXTRA3 = "CamelPgqExtra3";
    @Metadata(description = "ev_extra4.", javaType = "String")
    public static final String EXTRA4 = "CamelPgqExtra4";
    @Metadata(label = "consumer", description = "How many times the event was retried before (0 the first time).",
              javaType = "int")
    public static final String RETRY = "CamelPgqRetry";
    @Metadata(label = "producer", description = "Insert into this queue instead of the endpoint's (the header is removed"
                                                + " once used, so it does not travel on to the next pgq endpoint).",
              javaType = "String")
    public static final String OVERRIDE_QUEUE = "CamelPgqOverrideQueue";
    @Metadata(label = "producer", description = "The operation to run; overrides the endpoint's operation option.",
              javaType = "io.camelskytools.pgq.PgqOperation")
    public static final String OPERATION = "CamelPgqOperation";
    @Metadata(label = "producer", description = "Consumer name for the registerConsumer, unregisterConsumer and "
                                                + "consumerInfo operations; overrides the endpoint's consumerName.",
              javaType = "String")
    public static final String CONSUMER_NAME = "CamelPgqConsumerName";

    private PgqConstants() {
    }
}
