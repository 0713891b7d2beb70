/**
 * Which PgQ a database has (ours, Skytools', none) and installing or upgrading ours from the
 * .sql files of the sql module, on the classpath.
 */
package io.camelskytools.pgq.schema;
