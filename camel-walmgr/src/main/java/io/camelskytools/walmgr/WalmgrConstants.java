package io.camelskytools.walmgr;

import org.apache.camel.spi.Metadata;

/** Message headers of the walmgr component. */
public final class WalmgrConstants {

    @Metadata(label = "consumer", description = "The WAL segment's name, e.g. 000000010000000000000003 (no .gz).",
              javaType = "String")
    public static final String SEGMENT = "CamelWalmgrSegment";
    @Metadata(label = "consumer", description = "SHA-256 of the segment's uncompressed content, in hex.",
              javaType = "String")
    public static final String CHECKSUM = "CamelWalmgrChecksum";
    @Metadata(label = "consumer", description = "The WAL position just past the segment, e.g. 0/4000000.",
              javaType = "String")
    public static final String LSN = "CamelWalmgrLsn";
    @Metadata(label = "consumer", description = "The timeline of the segment.", javaType = "int")
    public static final String TIMELINE = "CamelWalmgrTimeline";

    private WalmgrConstants() {
    }
}
