package io.camelskytools.pgq.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.camelskytools.pgq.client.PgqEvent;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The consumer core from plain Java, no Camel: what Londiste's worker will build on. */
class BatchProcessorTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withPgq();

    private static void queueWithEvents(Sql s, int events) throws Exception {
        s.exec("select pgq.create_queue('q')");
        s.exec("select pgq.register_consumer('q', 'app')");
        for (int i = 1; i <= events; i++) {
            s.exec("select pgq.insert_event('q', 't', ?)", "e" + i);
        }
        s.exec("select pgq.force_tick('q')");
        s.exec("select pgq.ticker()");
    }

    @Test
    void streamedBatchIsHandedOnInOrderAndAFailedEventGoesToTheRetryQueue() throws Exception {
        try (Sql s = PG.db().open(); Connection c = PG.db().connect()) {
            queueWithEvents(s, 5);
            List<String> seen = new ArrayList<>();
            EventDelivery delivery = (batch, events) -> {
                seen.add(events.get(0).data());
                return "e3".equals(events.get(0).data()) ? new IllegalStateException("e3 refused") : null;
            };
            ConsumerStats stats = new ConsumerStats(NoopConsumerMetrics.INSTANCE);
            // fetchSize 2: the batch of 5 does not come with next_batch and is read through the cursor
            BatchProcessor processor = new BatchProcessor(new QueueBatchReader("q", "app", BatchWindow.EVERY_TICK, 2), 2,
                    EventGrouping.perEvent(), delivery,
                    new RetryThenDeadLetter("app on q", 3, Duration.ofHours(1), null, stats), null, Duration.ofHours(1),
                    stats);

            assertThat(processor.processNext(c)).isEqualTo(5);
            assertThat(seen).containsExactly("e1", "e2", "e3", "e4", "e5");
            assertThat(c.getAutoCommit()).as("the read transaction is over").isTrue();
            assertThat(s.column("select ev_data from pgq.retry_queue")).containsExactly("e3");
            assertThat(s.value("select current_batch from pgq.get_consumer_info('q', 'app')")).as("finished").isNull();
            assertThat(stats.eventsConsumed()).isEqualTo(5);
            assertThat(stats.eventsRetried()).isEqualTo(1);
            assertThat(processor.processNext(c)).as("no batch left").isEqualTo(-1);
            assertThat(processor.pending()).isZero();
        }
    }

    @Test
    void failedChunkUnderFailBatchLeavesTheBatchOpenForTheNextTry() throws Exception {
        try (Sql s = PG.db().open(); Connection c = PG.db().connect()) {
            queueWithEvents(s, 5);
            List<Integer> chunkSizes = new ArrayList<>();
            EventDelivery failSecondChunk = (batch, events) -> {
                chunkSizes.add(events.size());
                return chunkSizes.size() == 2 ? new IllegalStateException("target refused") : null;
            };
            BatchProcessor processor = new BatchProcessor(new QueueBatchReader("q", "app", BatchWindow.EVERY_TICK, 500), 500,
                    EventGrouping.chunksOf(2), failSecondChunk, new FailBatch("app on q"), null, Duration.ZERO,
                    NoopConsumerMetrics.INSTANCE);

            assertThatThrownBy(() -> processor.processNext(c)).isInstanceOf(PgqBatchFailedException.class)
                    .hasMessageContaining("failed; batch").hasMessageContaining("stays open");
            assertThat(chunkSizes).containsExactly(2, 2);
            Object open = s.value("select current_batch from pgq.get_consumer_info('q', 'app')");
            assertThat(open).as("the batch is still open").isNotNull();

            // the same batch comes again, whole
            List<String> again = new ArrayList<>();
            BatchProcessor retry = new BatchProcessor(new QueueBatchReader("q", "app", BatchWindow.EVERY_TICK, 500), 500,
                    EventGrouping.chunksOf(2), (batch, events) -> {
                        assertThat(batch.batchId()).isEqualTo(((Number) open).longValue());
                        events.stream().map(PgqEvent::data).forEach(again::add);
                        return null;
                    }, new FailBatch("app on q"), null, Duration.ZERO, NoopConsumerMetrics.INSTANCE);
            assertThat(retry.processNext(c)).isEqualTo(5);
            assertThat(again).containsExactly("e1", "e2", "e3", "e4", "e5");
        }
    }

    @Test
    void chunksFetchedAheadArriveInOrderAndAFailureMidBatchLeavesItWhole() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        AtomicInteger fetchesAhead = new AtomicInteger();
        Executor ahead = r -> {
            fetchesAhead.incrementAndGet();
            pool.execute(r);
        };
        try (Sql s = PG.db().open(); Connection c = PG.db().connect()) {
            queueWithEvents(s, 7);
            List<String> seen = new ArrayList<>();
            BatchProcessor failing = new BatchProcessor(new QueueBatchReader("q", "app", BatchWindow.EVERY_TICK, 2), 2,
                    EventGrouping.chunksOf(2), (batch, events) -> {
                        events.stream().map(PgqEvent::data).forEach(seen::add);
                        return seen.size() >= 4 ? new IllegalStateException("target refused") : null;
                    }, new FailBatch("app on q"), null, Duration.ZERO, NoopConsumerMetrics.INSTANCE).prefetchOn(ahead);
            assertThatThrownBy(() -> failing.processNext(c)).isInstanceOf(PgqBatchFailedException.class);
            assertThat(c.getAutoCommit()).as("the read transaction is over, no fetch left on the connection").isTrue();
            assertThat(s.value("select current_batch from pgq.get_consumer_info('q', 'app')")).isNotNull();

            seen.clear();
            BatchProcessor processor = new BatchProcessor(new QueueBatchReader("q", "app", BatchWindow.EVERY_TICK, 2), 2,
                    EventGrouping.chunksOf(2), (batch, events) -> {
                        events.stream().map(PgqEvent::data).forEach(seen::add);
                        return null;
                    }, new FailBatch("app on q"), null, Duration.ZERO, NoopConsumerMetrics.INSTANCE).prefetchOn(ahead);
            int before = fetchesAhead.get();
            assertThat(processor.processNext(c)).isEqualTo(7);
            assertThat(seen).containsExactly("e1", "e2", "e3", "e4", "e5", "e6", "e7");
            assertThat(fetchesAhead.get() - before).as("chunks 2..4 and the end were fetched ahead").isEqualTo(4);
            assertThat(s.value("select current_batch from pgq.get_consumer_info('q', 'app')")).as("finished").isNull();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void groupingSplitsIntoChunksOfAtMostMax() {
        List<PgqEvent> five = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            five.add(new PgqEvent(i, null, 0, 0, "t", "e" + i, null, null, null, null));
        }
        assertThat(EventGrouping.chunksOf(2).split(five)).extracting(List::size).containsExactly(2, 2, 1);
        assertThat(EventGrouping.perEvent().split(five)).hasSize(5);
        assertThatThrownBy(() -> EventGrouping.chunksOf(0)).hasMessageContaining("at least 1");
    }
}
