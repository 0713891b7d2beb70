package io.camelskytools.walmgr;

import java.util.Map;

import io.camelskytools.walmgr.stream.ArchiverStatus;
import io.camelskytools.walmgr.stream.StreamingArchiver;
import io.camelskytools.walmgr.wal.Lsn;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * DOWN while the archiver is not streaming (server away, stopped on an error) or, with
 * healthMaxLagBytes, when the archive is further behind the server than that. The details
 * carry the figures either way.
 */
public final class WalmgrHealthCheck implements HealthCheck {

    private final WalmgrConsumer consumer;
    private final Long maxLagBytes;
    private boolean enabled = true;

    public WalmgrHealthCheck(WalmgrConsumer consumer, Long maxLagBytes) {
        this.consumer = consumer;
        this.maxLagBytes = maxLagBytes;
    }

    @Override
    public String getGroup() {
        return "walmgr";
    }

    @Override
    public String getId() {
        return "walmgr-archive-" + consumer.getEndpoint().getSlot();
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    @Override
    public boolean isLiveness() {
        // a server that is away is no reason to restart this process
        return false;
    }

    @Override
    public Result call(Map<String, Object> options) {
        HealthCheckResultBuilder result = HealthCheckResultBuilder.on(this).up().detail("slot", consumer.getEndpoint().getSlot());
        StreamingArchiver archiver = consumer.archiver();
        if (archiver == null) {
            return result.down().message("archiver not started").build();
        }
        ArchiverStatus s = archiver.status();
        long lag = archiver.lagBytes();
        result.detail("streaming", s.streaming()).detail("flushed.lsn", Lsn.format(s.flushedLsn()))
                .detail("lag.bytes", lag).detail("bytes.received", s.bytesReceived());
        if (s.currentSegment() != null) {
            result.detail("segment", s.currentSegment());
        }
        if (archiver.failure() != null) {
            result.down().message("archiver stopped: " + archiver.failure().getMessage());
        } else if (!s.streaming()) {
            result.down().message("not streaming" + (s.lastError() == null ? "" : ": " + s.lastError()));
        } else if (maxLagBytes != null && lag > maxLagBytes) {
            result.down().message("archive is " + lag + " bytes behind the server (more than " + maxLagBytes + ")");
        }
        return result.build();
    }
}
