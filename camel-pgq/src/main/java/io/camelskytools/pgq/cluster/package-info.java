/**
 * A Camel cluster service on PostgreSQL advisory locks ({@link io.camelskytools.pgq.cluster.PgLockClusterService}):
 * one leader per namespace among processes that share a database, for {@code master:} endpoints
 * and clustered route policies. Derivation of the lock key, the takeover delay and its window:
 * docs/scaling.md.
 */
package io.camelskytools.pgq.cluster;
