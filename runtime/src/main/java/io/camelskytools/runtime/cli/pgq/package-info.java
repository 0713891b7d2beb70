/** {@code skytools pgq}: Skytools' qadmin as subcommands (queues, consumers, ticks, events) on one database. */
package io.camelskytools.runtime.cli.pgq;
