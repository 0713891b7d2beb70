package io.camelskytools.pgq;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.TimeUnit;

import io.camelskytools.pgq.consumer.ConsumerMetrics;
import io.camelskytools.pgq.consumer.NoopConsumerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;

/**
 * Micrometer meters of one consumer or producer, when the application has a MeterRegistry
 * (camel-micrometer, Camel Main's metrics): events in and out, retries, dead letters, batch
 * duration, and the consumer's lag (age of the tick its last finished batch ended at).
 * Only touched through {@link Meters}, which checks that Micrometer is on the classpath
 * before this class is loaded.
 */
final class PgqMetrics implements ConsumerMetrics, ProducerMetrics {

    private final Counter events;
    private final Counter retried;
    private final Counter deadLettered;
    private final Timer batches;
    private volatile OffsetDateTime lastTick;

    private PgqMetrics(MeterRegistry registry, String queue, String consumer, boolean consuming) {
        String[] tags = consumer == null ? new String[] {"queue", queue} : new String[] {"queue", queue, "consumer", consumer};
        if (!consuming) {
            events = Counter.builder("pgq.events.produced").tags(tags).description("events inserted").register(registry);
            retried = null;
            deadLettered = null;
            batches = null;
            return;
        }
        events = Counter.builder("pgq.events.consumed").tags(tags).description("events of finished batches").register(registry);
        retried = Counter.builder("pgq.events.retried").tags(tags).description("events put back for retry").register(registry);
        deadLettered = Counter.builder("pgq.events.dead.lettered").tags(tags).description("events sent to deadLetterUri")
                .register(registry);
        batches = Timer.builder("pgq.batch.duration").tags(tags).description("time to process and finish a batch")
                .register(registry);
        Gauge.builder("pgq.consumer.lag.seconds", this, m -> m.lagSeconds()).tags(tags)
                .description("age of the tick the last finished batch ended at").register(registry);
    }

    /** Meters for a consumer, or nothing when the application has no Micrometer (registry). */
    static ConsumerMetrics forConsumer(CamelContext camel, String queue, String consumer) {
        MeterRegistry registry = registry(camel);
        return registry == null ? NoopConsumerMetrics.INSTANCE : new PgqMetrics(registry, queue, consumer, true);
    }

    static ProducerMetrics forProducer(CamelContext camel, String queue) {
        MeterRegistry registry = registry(camel);
        return registry == null ? ProducerMetrics.NONE : new PgqMetrics(registry, queue, null, false);
    }

    private static MeterRegistry registry(CamelContext camel) {
        return camel.getRegistry().findSingleByType(MeterRegistry.class);
    }

    @Override
    public void batchFinished(long batchId, int count, int retries, long nanos, OffsetDateTime tickTime) {
        events.increment(count);
        retried.increment(retries);
        batches.record(nanos, TimeUnit.NANOSECONDS);
        if (tickTime != null) {
            lastTick = tickTime;
        }
    }

    @Override
    public void deadLettered() {
        deadLettered.increment();
    }

    @Override
    public void produced(int count) {
        events.increment(count);
    }

    private double lagSeconds() {
        OffsetDateTime t = lastTick;
        return t == null ? Double.NaN : Duration.between(t, OffsetDateTime.now()).toMillis() / 1000.0;
    }
}
