/**
 * The {@code pgq:} Camel component: {@link io.camelskytools.pgq.PgqComponent},
 * {@link io.camelskytools.pgq.PgqEndpoint} with its options in
 * {@link io.camelskytools.pgq.PgqConfiguration}, the consumer (Camel lifecycle around the
 * consumer core of {@code pgq.consumer}) and the producer (events in, admin operations),
 * headers in {@link io.camelskytools.pgq.PgqConstants}, health check, metrics, and the JDBC
 * transaction helpers for exactly-once and {@code transacted()} routes.
 */
package io.camelskytools.pgq;
