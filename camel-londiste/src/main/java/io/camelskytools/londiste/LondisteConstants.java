package io.camelskytools.londiste;

import org.apache.camel.spi.Metadata;

/** Headers of the exchanges a {@code londiste:worker} endpoint sends, one per batch applied. */
public final class LondisteConstants {

    @Metadata(description = "The queue the worker replicates.", javaType = "String")
    public static final String QUEUE = "CamelLondisteQueue";

    @Metadata(description = "The node the worker applies to.", javaType = "String")
    public static final String NODE = "CamelLondisteNode";

    @Metadata(description = "The batch id on the provider.", javaType = "Long")
    public static final String BATCH_ID = "CamelLondisteBatchId";

    @Metadata(description = "The tick the batch ends at: what the node holds now.", javaType = "Long")
    public static final String TICK_ID = "CamelLondisteTickId";

    @Metadata(description = "The events the batch held.", javaType = "Integer")
    public static final String EVENTS = "CamelLondisteEvents";

    private LondisteConstants() {
    }
}
