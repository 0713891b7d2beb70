/**
 * PgQ's SQL API from Java, no Camel: every call the component makes
 * ({@link io.camelskytools.pgq.client.PgqClient}), what PgQ says about queues and consumers
 * ({@link io.camelskytools.pgq.client.PgqInfo} and its records), the event records, the batch
 * cursor and the LISTEN thread that wakes consumers on a tick.
 */
package io.camelskytools.pgq.client;
