/**
 * The PostgreSQL test harness every module's tests share through camel-pgq's test-jar (which
 * holds this package and nothing else): embedded or Debian servers, as many as a test needs,
 * a fresh database per test with PgQ (ours or Skytools') when asked, and small SQL helpers.
 */
package io.camelskytools.pgq.harness;
