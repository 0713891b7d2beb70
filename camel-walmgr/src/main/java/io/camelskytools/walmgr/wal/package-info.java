/** WAL vocabulary: positions (LSN), segment names and numbers, file kinds, the segment page header. */
package io.camelskytools.walmgr.wal;
