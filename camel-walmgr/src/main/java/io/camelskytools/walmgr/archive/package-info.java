/**
 * The local WAL archive: layout and checksum format ({@link io.camelskytools.walmgr.archive.WalArchive}),
 * durable writes ({@link io.camelskytools.walmgr.archive.DurableFiles}), archive_command
 * ({@link io.camelskytools.walmgr.archive.XArchive}) and the one-streamer-per-archive lock.
 */
package io.camelskytools.walmgr.archive;
