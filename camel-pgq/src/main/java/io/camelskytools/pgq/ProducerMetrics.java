package io.camelskytools.pgq;

/** What a producer reports: events inserted. */
@FunctionalInterface
interface ProducerMetrics {

    ProducerMetrics NONE = count -> {
        // nobody collects
    };

    void produced(int count);
}
