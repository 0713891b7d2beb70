package io.camelskytools.pgq;

import io.camelskytools.pgq.consumer.ConsumerMetrics;
import io.camelskytools.pgq.consumer.NoopConsumerMetrics;
import org.apache.camel.CamelContext;

/** The metrics of a consumer or producer: Micrometer's when it is on the classpath with a registry, else none. */
final class Meters {

    private Meters() {
    }

    static ConsumerMetrics consumer(CamelContext camel, String queue, String consumer) {
        // PgqMetrics is not loaded at all without Micrometer
        return OptionalLibraries.MICROMETER ? PgqMetrics.forConsumer(camel, queue, consumer) : NoopConsumerMetrics.INSTANCE;
    }

    static ProducerMetrics producer(CamelContext camel, String queue) {
        return OptionalLibraries.MICROMETER ? PgqMetrics.forProducer(camel, queue) : ProducerMetrics.NONE;
    }
}
