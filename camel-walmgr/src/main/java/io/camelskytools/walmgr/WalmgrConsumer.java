package io.camelskytools.walmgr;

import java.time.Instant;
import java.util.concurrent.ExecutorService;

import io.camelskytools.walmgr.archive.ArchivedFile;
import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.stream.StreamingArchiver;
import io.camelskytools.walmgr.wal.Lsn;
import io.camelskytools.walmgr.wal.Timeline;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.api.management.ManagedAttribute;
import org.apache.camel.api.management.ManagedResource;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.support.DefaultConsumer;

/**
 * Runs the streaming archiver and routes each completed segment. Segments are handed to
 * the route on a thread of their own, in order, so a slow destination never holds up
 * streaming (the archive on disk is the buffer). A segment whose exchange fails stays in
 * the archive; the failure goes to the consumer's exception handler.
 */
@ManagedResource(description = "walmgr WAL archiver")
public class WalmgrConsumer extends DefaultConsumer {

    private final WalmgrEndpoint endpoint;
    private StreamingArchiver archiver;
    private ExecutorService delivery;
    private WalmgrHealthCheck healthCheck;

    public WalmgrConsumer(WalmgrEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    @Override
    public WalmgrEndpoint getEndpoint() {
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        WalArchive archive = WalArchive.open(endpoint.archivePath());
        delivery = endpoint.getCamelContext().getExecutorServiceManager()
                .newSingleThreadExecutor(this, "walmgr-segments-" + endpoint.getSlot());
        archiver = new StreamingArchiver(endpoint.walSource(), archive, endpoint.archiverSettings(),
                (file, end) -> delivery.execute(() -> deliver(file, end)));
        archiver.onFailure(e -> getExceptionHandler().handleException("walmgr archiver stopped", e));
        archiver.start();
        HealthCheckRegistry health = HealthCheckRegistry.get(endpoint.getCamelContext());
        if (health != null) {
            healthCheck = new WalmgrHealthCheck(this, endpoint.getHealthMaxLagBytes());
            health.register(healthCheck);
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (healthCheck != null) {
            HealthCheckRegistry health = HealthCheckRegistry.get(endpoint.getCamelContext());
            if (health != null) {
                health.unregister(healthCheck);
            }
            healthCheck = null;
        }
        if (archiver != null) {
            archiver.stop();
        }
        if (delivery != null) {
            // the segments already archived still reach the route
            endpoint.getCamelContext().getExecutorServiceManager().shutdownGraceful(delivery);
            delivery = null;
        }
        super.doStop();
    }

    private void deliver(ArchivedFile file, long endLsn) {
        Exchange exchange = createExchange(false);
        try {
            exchange.getIn().setBody(file.path().toFile());
            exchange.getIn().setHeader(WalmgrConstants.SEGMENT, file.name());
            exchange.getIn().setHeader(WalmgrConstants.CHECKSUM, file.sha256());
            exchange.getIn().setHeader(WalmgrConstants.LSN, Lsn.format(endLsn));
            exchange.getIn().setHeader(WalmgrConstants.TIMELINE, Timeline.ofFileName(file.name()));
            exchange.getIn().setHeader(Exchange.FILE_NAME, file.path().getFileName().toString());
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            getExceptionHandler().handleException("Routing archived WAL segment " + file.name() + " failed", exchange,
                    exchange.getException());
        }
        releaseExchange(exchange, false);
    }

    StreamingArchiver archiver() {
        return archiver;
    }

    @ManagedAttribute(description = "Connected and receiving WAL")
    public boolean isStreaming() {
        return archiver != null && archiver.status().streaming();
    }

    @ManagedAttribute(description = "WAL up to here is durable in the archive and confirmed to the server")
    public String getFlushedLsn() {
        return archiver == null ? null : Lsn.format(archiver.status().flushedLsn());
    }

    @ManagedAttribute(description = "The segment being filled")
    public String getCurrentSegment() {
        return archiver == null ? null : archiver.status().currentSegment();
    }

    @ManagedAttribute(description = "WAL bytes received since start")
    public long getBytesReceived() {
        return archiver == null ? 0 : archiver.status().bytesReceived();
    }

    @ManagedAttribute(description = "Segments completed since start")
    public long getSegmentsArchived() {
        return archiver == null ? 0 : archiver.status().segmentsArchived();
    }

    @ManagedAttribute(description = "When the archive was last fsynced")
    public String getLastFlush() {
        Instant t = archiver == null ? null : archiver.status().lastFlush();
        return t == null ? null : t.toString();
    }

    @ManagedAttribute(description = "Bytes of WAL the server has flushed and the archive does not hold yet (-1: unknown)")
    public long getLagBytes() {
        return archiver == null ? -1 : archiver.lagBytes();
    }
}
