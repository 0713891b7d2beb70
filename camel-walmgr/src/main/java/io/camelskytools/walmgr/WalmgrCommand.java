package io.camelskytools.walmgr;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What a walmgr: endpoint does (the part after "walmgr:"). */
public enum WalmgrCommand {

    /** Consumer: stream WAL into the archive; one exchange per completed segment. */
    archive;

    static WalmgrCommand parse(String text, String uri) {
        for (WalmgrCommand c : values()) {
            if (c.name().equals(text)) {
                return c;
            }
        }
        throw new IllegalArgumentException("walmgr: endpoint " + uri + " names no known command (" + text + "); use one of "
                                           + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}
