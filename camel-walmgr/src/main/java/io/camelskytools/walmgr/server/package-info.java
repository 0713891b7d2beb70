/**
 * Administration of a server over SQL for walmgr's commands: its settings
 * ({@link io.camelskytools.walmgr.server.ServerSettings}), replication slots, WAL senders and
 * WAL position. Standby control (promote, pause, resume) is in {@code standby}.
 */
package io.camelskytools.walmgr.server;
