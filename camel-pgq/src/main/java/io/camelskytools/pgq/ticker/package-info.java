/**
 * What pgqd does, as Camel routes: a timer route per database and job (tick, retry events,
 * maintenance) calling the client directly, and the discovery of every database of a server
 * that has PgQ.
 */
package io.camelskytools.pgq.ticker;
