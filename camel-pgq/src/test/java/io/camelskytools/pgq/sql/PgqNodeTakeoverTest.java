package io.camelskytools.pgq.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Moving the root: a switchover with the old root alive (demote_root in its three steps,
 * promote_branch) and a failover with the old root gone (tag it dead, promote, leave a
 * gravestone), each as python-pgq's {@code takeover} runs it, over three real servers.
 */
class PgqNodeTakeoverTest extends PgqNodeTestSupport {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(3).withPgqNode();

    static final String Q = "events";

    /** demote_root step 2 for {@code queue} in a session of its own, run in the background. */
    private static CompletableFuture<Map<String, Object>> stepTwoInBackground(String queue, String newProvider) {
        return CompletableFuture.supplyAsync(() -> {
            try (Sql s = PG.db(0).open()) {
                return node(s, "demote_root", queue, 2, newProvider);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Until a demote_root call of another session waits for a lock. */
    private static void awaitStepTwoWaiting(Sql n1) {
        await().atMost(Duration.ofSeconds(30)).until(() -> n1.longValue("select count(*) from pg_stat_activity"
                + " where wait_event_type = 'Lock' and query like '%demote_root%'") == 1);
    }

    @Test
    void switchoverDemotesTheRootPromotesTheBranchAndLosesNothing() throws Exception {
        try (Sql n1 = PG.db(0).open(); Sql n2 = PG.db(1).open(); Sql n3 = PG.db(2).open();
             Sql producer = PG.db(0).open();
             NodeTestWorker w2 = new NodeTestWorker(n2, Q); NodeTestWorker w3 = new NodeTestWorker(n3, Q)) {
            createRoot(n1, Q, "n1", "n1_worker", location(PG.db(0)));
            createSubscriber(n1, n1, n2, Q, "branch", "n2", "n2_worker", location(PG.db(1)), "n1", null);
            createSubscriber(n1, n1, n3, Q, "leaf", "n3", "n3_worker", location(PG.db(2)), "n1", null);
            n3.exec("create table applied (ev_id bigint primary key, ev_data text)");
            n1.exec("select pgq.insert_event(?, 'e', 'a')", Q);
            n1.exec("select pgq.insert_event(?, 'e', 'b')", Q);
            long t1 = tick(n1, Q);
            w2.catchUp(t1);
            w3.catchUp(t1);
            expect(n1, 301, "Node not branch", "promote_branch", Q);
            expect(n2, 301, "Node not root", "demote_root", Q, 1, "n1");

            // a producer that got in before the queue closed
            producer.begin();
            producer.exec("select pgq.insert_event(?, 'e', 'late')", Q);

            expect(n1, 200, "Consumer n1_worker tagged as paused", "set_consumer_paused", Q, "n1_worker", true);
            expect(n1, 200, "Step 1: Writing disabled for: " + Q, "demote_root", Q, 1, "n2");
            assertThat(n1.error("select pgq.insert_event(?, 'e', 'refused')", Q)).contains("Insert into queue disallowed");
            // the local ticker has stopped for the queue
            n1.exec("select pgq.force_tick(?)", Q);
            n1.exec("select pgq.ticker()");
            assertThat(lastTick(n1, Q)).isEqualTo(t1);

            // step 2 waits for that producer before it makes the last tick
            CompletableFuture<Map<String, Object>> step2 = stepTwoInBackground(Q, "n2");
            awaitStepTwoWaiting(n1);
            assertThat(step2).isNotDone();
            producer.commit();
            Map<String, Object> last = step2.get(30, TimeUnit.SECONDS);
            assertThat(last).containsEntry("ret_code", 200).containsEntry("ret_note", "Step 2: Inserted last tick: " + Q);
            long lastTick = ((Number) last.get("last_tick")).longValue();
            assertThat(lastTick).isGreaterThan(t1).isEqualTo(lastTick(n1, Q));

            // the branch takes everything up to the last tick, the late event included
            w2.catchUp(lastTick);
            assertThat(queueEvents(n2, Q)).isEqualTo(queueEvents(n1, Q)).extracting(e -> e.get("ev_data"))
                    .containsExactly("n2", "n3", "a", "b", "late");

            expect(n2, 200, "Consumer n2_worker tagged as paused", "set_consumer_paused", Q, "n2_worker", true);
            expect(n2, 200, "Branch node promoted to root", "promote_branch", Q);
            expect(n2, 200, "Subscriber registered: n1", "register_subscriber", Q, "n1", "n1_worker", lastTick);
            expect(n1, 200, "Subscriber unregistered: n2", "unregister_subscriber", Q, "n2");
            expect(n2, 200, "Consumer n2_worker tagged as resumed", "set_consumer_paused", Q, "n2_worker", false);
            Map<String, Object> step3 = expect(n1, 200, "Step 3: Demoted root to branch: " + Q, "demote_root", Q, 3, "n2");
            assertThat(step3).containsEntry("last_tick", lastTick);
            expect(n1, 200, "Consumer n1_worker tagged as resumed", "set_consumer_paused", Q, "n1_worker", false);

            assertThat(node(n2, "get_node_info", Q)).containsEntry("node_type", "root").containsEntry("provider_node", "n2")
                    .containsEntry("worker_last_tick", lastTick).containsEntry("worker_uptodate", false);
            assertThat(node(n1, "get_node_info", Q)).containsEntry("node_type", "branch").containsEntry("provider_node", "n2")
                    .containsEntry("provider_location", location(PG.db(1))).containsEntry("worker_last_tick", lastTick);
            assertThat(n2.row("select queue_external_ticker, queue_disable_insert from pgq.queue where queue_name = ?", Q))
                    .containsEntry("queue_external_ticker", false).containsEntry("queue_disable_insert", false);

            // the leaf follows (change-provider): subscribed on n2 at its own position, then moved
            expect(n3, 200, "Consumer n3_worker tagged as paused", "set_consumer_paused", Q, "n3_worker", true);
            long leafAt = w3.completedTick();
            expect(n2, 200, "Subscriber registered: n3", "register_subscriber", Q, "n3", "n3_worker", leafAt);
            expect(n3, 200, "Consumer provider node set to : n2", "change_consumer_provider", Q, "n3_worker", "n2");
            expect(n3, 200, "Consumer n3_worker tagged as resumed", "set_consumer_paused", Q, "n3_worker", false);
            expect(n1, 200, "Subscriber unregistered: n3", "unregister_subscriber", Q, "n3");

            // the new root produces and ticks on from the last tick; the old root follows it
            n2.exec("select pgq.insert_event(?, 'e', 'after')", Q);
            long t3 = tick(n2, Q);
            assertThat(t3).isGreaterThan(lastTick);
            new NodeTestWorker(n1, Q).catchUp(t3);
            w3.catchUp(t3);
            assertThat(queueEvents(n1, Q)).isEqualTo(queueEvents(n2, Q));
            assertThat(lastTick(n1, Q)).isEqualTo(t3);
            assertThat(n3.column("select ev_data from applied order by ev_id")).containsExactly("a", "b", "late", "after");
        }
    }

    /**
     * A producer that read the queue as open just before step 1 committed and inserts only
     * after it (a repeatable-read snapshot holds that instant still). Ours: step 2 waits for
     * it, so its event lies inside the last tick. Skytools: step 2 does not wait, the event
     * comes after the last tick and no subscriber would read it (docs/compatibility.md).
     */
    @Test
    void stepTwoWaitsForAProducerThatSawTheQueueOpen() throws Exception {
        String q = "lateq";
        try (Sql n1 = PG.db(0).open(); Sql producer = PG.db(0).open()) {
            createRoot(n1, q, "m1", "m1_worker", location(PG.db(0)));
            tick(n1, q);
            producer.begin();
            producer.exec("set transaction isolation level repeatable read");
            assertThat(producer.value("select queue_disable_insert from pgq.queue where queue_name = ?", q))
                    .isEqualTo(false);
            expect(n1, 200, "Step 1: Writing disabled for: " + q, "demote_root", q, 1, "m2");
            CompletableFuture<Map<String, Object>> step2 = stepTwoInBackground(q, "m2");
            if (skytools()) {
                step2.get(30, TimeUnit.SECONDS);
            } else {
                awaitStepTwoWaiting(n1);
                assertThat(step2).isNotDone();
            }
            producer.exec("select pgq.insert_event(?, 'e', 'seen-open')", q);
            producer.commit();
            long lastTick = ((Number) step2.get(30, TimeUnit.SECONDS).get("last_tick")).longValue();
            String events = (String) n1.value("select queue_data_pfx from pgq.queue where queue_name = ?", q);
            Object insideLastTick = n1.value("select pg_catalog.txid_visible_in_snapshot(e.ev_txid, t.tick_snapshot)"
                    + " from " + events + " e, pgq.tick t join pgq.queue qu on qu.queue_id = t.tick_queue"
                    + " where e.ev_data = 'seen-open' and qu.queue_name = ? and t.tick_id = ?", q, lastTick);
            assertThat(insideLastTick).isEqualTo(!skytools());
        }
    }

    /** Step 2 gives up after 30 s behind a transaction that keeps pgq.queue, and says which. */
    @Test
    void stepTwoNamesTheTransactionItCannotWaitOut() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(skytools(), "Skytools' step 2 does not wait for readers of pgq.queue");
        String q = "stuckq";
        try (Sql n1 = PG.db(0).open(); Sql idle = PG.db(0).open()) {
            createRoot(n1, q, "s1", "s1_worker", location(PG.db(0)));
            tick(n1, q);
            idle.begin();
            idle.value("select count(*) from pgq.queue");
            assertStepTwoNamesAndOutlasts(n1, q, "s2", idle);
        }
    }

    /** Step 2 of {@code q} gives up after 1 s behind {@code holder}'s open transaction, names it, and runs once it ended. */
    private static void assertStepTwoNamesAndOutlasts(Sql n1, String q, String newProvider, Sql holder) throws Exception {
        long pid = holder.longValue("select pg_backend_pid()");
        expect(n1, 200, "Step 1: Writing disabled for: " + q, "demote_root", q, 1, newProvider);
        n1.exec("set lock_timeout = '1s'");
        String error = n1.error("select * from pgq_node.demote_root(?, 2, ?)", q, newProvider);
        holder.rollback();
        assertThat(error).contains("demote_root step 2").contains("still run").contains(String.valueOf(pid));
        assertThat(node(n1, "demote_root", q, 2, newProvider)).containsEntry("ret_code", 200);
    }

    /**
     * Londiste's root trigger wrote an event before step 1 in a transaction still open: step 2
     * waits for it (ours and Skytools' alike), so the event lies inside the last tick.
     */
    @Test
    void stepTwoWaitsForATriggerEventWrittenBeforeStepOne() throws Exception {
        String q = "trgq";
        try (Sql n1 = PG.db(0).open(); Sql producer = PG.db(0).open()) {
            createRoot(n1, q, "t1", "t1_worker", location(PG.db(0)));
            tick(n1, q);
            producer.exec("create table trg_acc (id int primary key, v int)");
            producer.exec("create trigger _londiste_trgq after insert or update or delete on trg_acc"
                    + " for each row execute procedure pgq.logutriga('trgq')");
            producer.exec("insert into trg_acc values (1, 1)");
            producer.begin();
            producer.exec("update trg_acc set v = 2 where id = 1");
            expect(n1, 200, "Step 1: Writing disabled for: " + q, "demote_root", q, 1, "t2");
            CompletableFuture<Map<String, Object>> step2 = stepTwoInBackground(q, "t2");
            awaitStepTwoWaiting(n1);
            assertThat(step2).isNotDone();
            // the producer may still read pgq.queue (as its trigger does to make a shape again):
            // step 2 does not hold it while it waits for the producer
            assertThat(producer.longValue("select count(*) from pgq.queue where queue_name = ?", q)).isEqualTo(1L);
            producer.commit();
            long lastTick = ((Number) step2.get(30, TimeUnit.SECONDS).get("last_tick")).longValue();
            String events = (String) n1.value("select queue_data_pfx from pgq.queue where queue_name = ?", q);
            assertThat(n1.column("select e.ev_data || ' ' || pg_catalog.txid_visible_in_snapshot(e.ev_txid, t.tick_snapshot)"
                    + " from " + events + " e, pgq.tick t join pgq.queue qu on qu.queue_id = t.tick_queue"
                    + " where qu.queue_name = ? and t.tick_id = ? order by e.ev_id", q, lastTick))
                    .containsExactly("id=1&v=1 true", "id=1&v=2 true");
        }
    }

    /**
     * Ours: a transaction that ran the fast path of a trigger (on any queue) before step 1
     * keeps step 2 waiting as a reader of pgq.queue does, and step 2 names it.
     */
    @Test
    void stepTwoNamesATransactionThatRanATrigger() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(skytools(), "Skytools' step 2 waits for writers of its own queue only");
        String q = "stucktrgq";
        try (Sql n1 = PG.db(0).open(); Sql producer = PG.db(0).open()) {
            createRoot(n1, q, "u1", "u1_worker", location(PG.db(0)));
            tick(n1, q);
            producer.exec("select pgq.create_queue('elsewhere')");
            producer.exec("create table else_acc (id int primary key, v int)");
            producer.exec("create trigger _londiste_elsewhere after insert or update or delete on else_acc"
                    + " for each row execute procedure pgq.logutriga('elsewhere')");
            producer.exec("insert into else_acc values (1, 1)");
            producer.begin();
            producer.exec("update else_acc set v = 2 where id = 1");
            assertStepTwoNamesAndOutlasts(n1, q, "u2", producer);
        }
    }

    @Test
    void failoverPromotesABranchAndLeavesAGravestoneForTheDeadRoot() throws Exception {
        try (Sql n1 = PG.db(0).open(); Sql n2 = PG.db(1).open(); Sql n3 = PG.db(2).open();
             NodeTestWorker w2 = new NodeTestWorker(n2, Q); NodeTestWorker w3 = new NodeTestWorker(n3, Q)) {
            createRoot(n1, Q, "n1", "n1_worker", location(PG.db(0)));
            createSubscriber(n1, n1, n2, Q, "branch", "n2", "n2_worker", location(PG.db(1)), "n1", null);
            createSubscriber(n1, n1, n3, Q, "branch", "n3", "n3_worker", location(PG.db(2)), "n1", null);
            n1.exec("select pgq.insert_event(?, 'e', 'a')", Q);
            long t1 = tick(n1, Q);
            w2.catchUp(t1);
            w3.catchUp(t1);
            // from here on n1 is gone: nothing below talks to it any more

            for (Sql s : List.of(n2, n3)) {
                expect(s, 200, "Location registered", "register_location", Q, "n1", null, true);
            }
            long failoverTick = lastTick(n2, Q);
            // n3 moves under n2 at its own position
            expect(n3, 200, "Consumer n3_worker tagged as paused", "set_consumer_paused", Q, "n3_worker", true);
            expect(n2, 200, "Subscriber registered: n3", "register_subscriber", Q, "n3", "n3_worker", w3.completedTick());
            expect(n3, 200, "Consumer provider node set to : n2", "change_consumer_provider", Q, "n3_worker", "n2");
            expect(n3, 200, "Consumer n3_worker tagged as resumed", "set_consumer_paused", Q, "n3_worker", false);

            expect(n2, 200, "Consumer n2_worker tagged as paused", "set_consumer_paused", Q, "n2_worker", true);
            expect(n2, 200, "Branch node promoted to root", "promote_branch", Q);
            // the gravestone marks where the cascade went on without n1
            expect(n2, 200, "Subscriber registered: n1", "register_subscriber", Q, "n1", "n1.gravestone", failoverTick);
            expect(n2, 200, "Consumer n2_worker tagged as resumed", "set_consumer_paused", Q, "n2_worker", false);

            assertThat(n2.rows("select * from pgq_node.get_subscriber_info(?)", Q)).containsExactly(
                    Map.of("node_name", "n1", "worker_name", "n1.gravestone", "node_watermark", 1L),
                    Map.of("node_name", "n3", "worker_name", "n3_worker", "node_watermark", 1L));
            assertThat(consumerTick(n2, Q, "n1.gravestone")).isEqualTo(failoverTick);
            assertThat(n2.row("select dead from pgq_node.get_queue_locations(?) where node_name = 'n1'", Q))
                    .containsEntry("dead", true);

            n2.exec("select pgq.insert_event(?, 'e', 'b')", Q);
            long t2 = tick(n2, Q);
            w3.catchUp(t2);
            assertThat(queueEvents(n3, Q)).isEqualTo(queueEvents(n2, Q));
            assertThat(queueEvents(n3, Q)).extracting(e -> e.get("ev_type") + ":" + e.get("ev_data"))
                    .containsExactly("pgq.location-info:n2", "pgq.location-info:n3", "e:a", "e:b");
        }
    }
}
