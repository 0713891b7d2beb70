/**
 * walmgr: WAL archiving for PostgreSQL 13 and later, as a library and as the Camel
 * component {@code walmgr:}.
 *
 * <ul>
 *   <li>{@link io.camelskytools.walmgr.archive.WalArchive}: the archive directory (layout,
 *       checksums, durable writes).</li>
 *   <li>{@link io.camelskytools.walmgr.stream.StreamingArchiver}: WAL through a physical
 *       replication slot, into {@code <segment>.partial} up to the last second (what walmgr3's
 *       sync/syncdaemon and archive_command did together).</li>
 *   <li>{@link io.camelskytools.walmgr.archive.XArchive}: archive_command
 *       ({@code xarchive %p %f}).</li>
 *   <li>{@link io.camelskytools.walmgr.verify.ArchiveVerifier}: no gap, no bad checksum.</li>
 *   <li>{@code walmgr:archive?jdbcUrl=...&archiveDirectory=...&slot=...}: runs the streaming
 *       archiver and sends each completed segment (body: java.io.File; headers
 *       CamelWalmgrSegment, CamelWalmgrChecksum, CamelWalmgrLsn, CamelWalmgrTimeline) to the
 *       route, e.g. {@code .to("file:/offsite")}.</li>
 * </ul>
 */
package io.camelskytools.walmgr;
