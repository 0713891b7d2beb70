/**
 * Small JDBC helpers every module shares: JDBC URLs fit for logs ({@link io.camelskytools.jdbc.JdbcUrls}),
 * telling an unreachable server from one that answered with an error
 * ({@link io.camelskytools.jdbc.ServerErrors}), quoting names that reach SQL text
 * ({@link io.camelskytools.jdbc.SqlNames}) and result rows as maps
 * ({@link io.camelskytools.jdbc.QueryRows}). They live beside the schemas because every module
 * depends on this one and on nothing else in common.
 */
package io.camelskytools.jdbc;
