/**
 * The consumer core, plain Java with no Camel in it: reading a batch ({@link io.camelskytools.pgq.consumer.BatchReader}:
 * a consumer's own or a pgq_coop subconsumer's, events inline or streamed), grouping its
 * events into deliveries ({@link io.camelskytools.pgq.consumer.EventGrouping}), what a failed
 * delivery does ({@link io.camelskytools.pgq.consumer.FailurePolicy}: retry, dead letter, fail
 * the batch), the target transaction of exactly-once
 * ({@link io.camelskytools.pgq.consumer.TargetTransaction}), and the loop that ties them
 * together for one batch ({@link io.camelskytools.pgq.consumer.BatchProcessor}). The Camel
 * consumer ({@code PgqConsumer}) keeps the lifecycle and turns deliveries into exchanges;
 * Londiste's worker reuses the reader and the target transaction.
 */
package io.camelskytools.pgq.consumer;
