/**
 * {@code skytools bench}: the pgq: component and the streaming WAL archiver measured against
 * their references (plain PostgreSQL, pgqd, pg_receivewal), with what both benchmarks share:
 * the server they connect to, progress lines, clean-up.
 */
package io.camelskytools.runtime.bench;
