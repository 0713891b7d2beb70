/**
 * Streaming WAL archiving over the physical replication protocol (pgjdbc's replication API):
 * resume rules, durability and timeline handling are described on
 * {@link io.camelskytools.walmgr.stream.StreamingArchiver}.
 */
package io.camelskytools.walmgr.stream;
