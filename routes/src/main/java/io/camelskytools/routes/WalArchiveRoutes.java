package io.camelskytools.routes;

import java.nio.file.Path;
import java.time.Duration;

import io.camelskytools.walmgr.WalmgrConstants;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Keeps WAL archiving going: a {@code walmgr:archive} consumer streams the primary's WAL
 * into a local archive directory (the current segment as a partial file flushed every
 * {@code flushInterval}), and every completed segment can be copied on to any Camel
 * endpoint as well (sftp:, aws2-s3:, file: on another disk...). The local archive stays the
 * one recovery reads; the copy is the off-site one.
 */
public class WalArchiveRoutes extends RouteBuilder {

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Path archive;
    private final String slot;
    private final Duration flushInterval;
    private final boolean compress;
    private final String copyTo;
    private boolean synchronous;

    /**
     * @param copyTo a Camel endpoint URI every completed segment is sent to (body: the archived file), or null
     */
    public WalArchiveRoutes(String jdbcUrl, String user, String password, Path archive, String slot,
                            Duration flushInterval, boolean compress, String copyTo) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.archive = archive;
        this.slot = slot;
        this.flushInterval = flushInterval;
        this.compress = compress;
        this.copyTo = copyTo;
    }

    /** The archiver as a synchronous standby (fsync and confirm as soon as the server has sent all it has). */
    public WalArchiveRoutes synchronous(boolean s) {
        this.synchronous = s;
        return this;
    }

    @Override
    public void configure() {
        StringBuilder uri = new StringBuilder("walmgr:archive?jdbcUrl=RAW(").append(jdbcUrl).append(')')
                .append("&archiveDirectory=RAW(").append(archive.toAbsolutePath()).append(')')
                .append("&slot=").append(slot)
                .append("&flushInterval=").append(flushInterval.toMillis())
                .append("&compress=").append(compress)
                .append("&synchronous=").append(synchronous);
        if (user != null) {
            uri.append("&username=RAW(").append(user).append(')');
        }
        if (password != null) {
            uri.append("&password=RAW(").append(password).append(')');
        }
        var route = from(uri.toString()).routeId("walmgr-archive")
                .log(LoggingLevel.DEBUG, "walmgr: archived ${header." + WalmgrConstants.SEGMENT + "}");
        if (copyTo != null) {
            // the consumer names the file (CamelFileName, .gz included); the local archive already holds it
            route.to(copyTo);
        }
    }
}
