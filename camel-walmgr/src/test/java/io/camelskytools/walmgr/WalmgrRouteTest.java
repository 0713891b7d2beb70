package io.camelskytools.walmgr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.camelskytools.walmgr.archive.WalArchive;
import io.camelskytools.walmgr.support.WalServer;
import io.camelskytools.walmgr.wal.Lsn;
import io.camelskytools.walmgr.wal.WalSegment;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A route forwards every completed segment to another endpoint; stopping it keeps every received byte. */
@Tag("needs-debian")
class WalmgrRouteTest {

    @TempDir
    Path archiveDir;
    @TempDir
    Path copies;

    @Test
    void forwardsCompletedSegmentsAndStopsGracefully() throws Exception {
        try (WalServer server = WalServer.start()) {
            List<Map<String, Object>> headers = new CopyOnWriteArrayList<>();
            List<Object> bodies = new CopyOnWriteArrayList<>();
            CamelContext ctx = new DefaultCamelContext();
            ctx.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // a long flushInterval: what the partial holds at the end is synced by the stop, not by a timer
                    from("walmgr:archive?jdbcUrl=" + server.jdbcUrl() + "&username=postgres&archiveDirectory=" + archiveDir
                         + "&slot=camel_route&compress=true&flushInterval=60s")
                            .routeId("wal")
                            .process(e -> {
                                headers.add(Map.copyOf(e.getIn().getHeaders()));
                                bodies.add(e.getIn().getBody());
                            })
                            .to("file:" + copies);
                }
            });
            ctx.start();
            try {
                WalmgrConsumer consumer = (WalmgrConsumer) ctx.getRoute("wal").getConsumer();
                await().atMost(Duration.ofSeconds(20)).until(consumer::isStreaming);

                server.writeSegments(3);
                await().atMost(Duration.ofSeconds(60)).until(() -> headers.size() >= 3);
                WalArchive archive = WalArchive.open(archiveDir);
                for (int i = 0; i < headers.size(); i++) {
                    Map<String, Object> h = headers.get(i);
                    String name = (String) h.get(WalmgrConstants.SEGMENT);
                    WalSegment seg = WalSegment.parse(name, WalServer.SEGMENT_SIZE);
                    assertThat(bodies.get(i)).isInstanceOf(File.class);
                    assertThat(((File) bodies.get(i)).toPath()).isEqualTo(archiveDir.resolve("wal").resolve(name + ".gz"));
                    assertThat(h.get(WalmgrConstants.CHECKSUM)).isEqualTo(archive.recordedChecksum(name).orElseThrow());
                    assertThat(h.get(WalmgrConstants.LSN)).isEqualTo(Lsn.format(seg.next().startLsn(WalServer.SEGMENT_SIZE)));
                    assertThat(h.get(WalmgrConstants.TIMELINE)).isEqualTo(1);
                    Path copy = copies.resolve(name + ".gz");
                    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(copy));
                    assertThat(Files.readAllBytes(copy)).as("forwarded copy of " + name)
                            .isEqualTo(Files.readAllBytes(archiveDir.resolve("wal").resolve(name + ".gz")));
                }
                assertThat(consumer.getLagBytes()).isBetween(0L, WalServer.SEGMENT_SIZE);
                assertThat(consumer.getSegmentsArchived()).isGreaterThanOrEqualTo(3);
                HealthCheck.Result health = HealthCheckHelper.invokeReadiness(ctx).stream()
                        .filter(r -> r.getCheck().getId().equals("walmgr-archive-camel_route")).findFirst().orElseThrow();
                assertThat(health.getState()).isEqualTo(HealthCheck.State.UP);
                assertThat(health.getDetails()).containsKeys("lag.bytes", "flushed.lsn", "segment");

                // WAL in the middle of a segment, received but not yet synced by the (60 s) timer
                server.exec("insert into load(pad) select repeat('p', 100) from generate_series(1, 500)");
                long last = server.currentLsn();
                await().atMost(Duration.ofSeconds(10)).until(() -> consumer.archiver().status().receivedLsn() >= last);
                assertThat(consumer.archiver().status().flushedLsn()).isLessThan(last);

                ctx.getRouteController().stopRoute("wal");

                WalSegment current = WalSegment.containing(1, last - 1, WalServer.SEGMENT_SIZE);
                Path partial = archive.partialPath(current.fileName(WalServer.SEGMENT_SIZE));
                long partialEnd = current.startLsn(WalServer.SEGMENT_SIZE) + Files.size(partial);
                assertThat(partialEnd).as("partial end").isGreaterThanOrEqualTo(last);
                assertThat(server.slotRestartLsn("camel_route")).as("confirmed to the server at stop").isEqualTo(partialEnd);
            } finally {
                ctx.stop();
            }
        }
    }

    @Test
    void takesTheServerFromADataSourceBean() throws Exception {
        try (WalServer server = WalServer.start()) {
            org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
            ds.setUrl(server.jdbcUrl());
            ds.setUser("postgres");
            List<String> segments = new CopyOnWriteArrayList<>();
            CamelContext ctx = new DefaultCamelContext();
            ctx.getRegistry().bind("pg", ds);
            ctx.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("walmgr:archive?dataSource=#pg&archiveDirectory=" + archiveDir + "&slot=from_bean")
                            .process(e -> segments.add(e.getIn().getHeader(WalmgrConstants.SEGMENT, String.class)));
                }
            });
            ctx.start();
            try {
                server.writeSegments(1);
                await().atMost(Duration.ofSeconds(30)).until(() -> !segments.isEmpty());
                assertThat(Files.exists(archiveDir.resolve("wal").resolve(segments.get(0)))).isTrue();
                assertThat(server.slotRestartLsn("from_bean")).isPositive();
            } finally {
                ctx.stop();
            }
        }
    }
}
