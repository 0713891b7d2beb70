/**
 * WAL vocabulary: positions (LSN), segment names and numbers, timelines (in file names and
 * history files), file kinds, the segment page header.
 */
package io.camelskytools.walmgr.wal;
