package io.camelskytools.runtime.bench;

import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.pgq.PgqConstants;
import io.camelskytools.pgq.ticker.PgqTickerRoutes;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.postgresql.PGConnection;

/**
 * The pgq: component against the limits it is measured by, in one run on one database:
 * consumer route vs a hand-written JDBC batch loop; List producer vs plain-table COPY and
 * vs one insert_event per exchange; commit-to-processor latency at a steady 1000 events/s
 * with our ticker routes + NOTIFY, and with pgqd (defaults) when it is installed and the
 * database can be reached by it. Everything it creates (queues bench_*, table
 * bench_plain_events) is dropped at the end. Run by {@code skytools bench}.
 */
final class PgqBenchmark {

    private static final String PAYLOAD = "{\"id\": 12345, \"name\": \"some customer\", \"amount\": 99.95}";
    private static final List<String> QUEUES = List.of("bench_read", "bench_write", "bench_lat1", "bench_lat2");

    private final HikariDataSource ds;
    private final BenchServer server;
    private final PrintWriter out;
    private final int readEvents;
    private final int writeEvents;
    private final int latencySeconds;
    private final String pgqdConnstr;
    private final String database;

    /**
     * @param pgqdConnstr libpq connection string without dbname for pgqd, or null to skip pgqd
     */
    PgqBenchmark(HikariDataSource ds, BenchServer server, String database, String pgqdConnstr, PrintWriter out,
                 int readEvents, int writeEvents, int latencySeconds) {
        this.ds = ds;
        this.server = server;
        this.database = database;
        this.pgqdConnstr = pgqdConnstr;
        this.out = out;
        this.readEvents = readEvents / 1000 * 1000;
        this.writeEvents = writeEvents / 1000 * 1000;
        this.latencySeconds = latencySeconds;
    }

    /** Runs everything, prints figures and ratios; returns the ratios by name. */
    Map<String, Double> run() throws Exception {
        try {
            double[] read = read();
            double[] write = write();
            double[] latency = latency();
            out.println();
            out.println("== ratios");
            Map<String, Double> r = new LinkedHashMap<>();
            r.put("consumer.batchMode.vs.jdbc", read[2] / read[0]);
            r.put("consumer.perEvent.vs.jdbc", read[1] / read[0]);
            r.put("producer.list.vs.copy", write[1] / write[0]);
            r.put("producer.list.vs.single", write[1] / write[2]);
            out.printf("  consumer route (batchMode) / JDBC loop  %.2fx  (target >= 0.8)%n", r.get("consumer.batchMode.vs.jdbc"));
            out.printf("  consumer route (per event) / JDBC loop  %.2fx%n", r.get("consumer.perEvent.vs.jdbc"));
            out.printf("  List producer / plain-table COPY        %.2fx  (target >= 0.8)%n", r.get("producer.list.vs.copy"));
            out.printf("  List producer / one event per exchange  %.2fx  (target >= 5)%n", r.get("producer.list.vs.single"));
            out.printf("  latency p99, ticker routes + NOTIFY     %.1f ms (target <= 50)%n", latency[0]);
            r.put("latency.p99.ms", latency[0]);
            if (latency.length > 1) {
                out.printf("  latency p99, pgqd defaults              %.1f ms%n", latency[1]);
                r.put("latency.pgqd.p99.ms", latency[1]);
            }
            out.flush();
            return r;
        } finally {
            cleanUp();
        }
    }

    private void cleanUp() {
        server.cleanUp(out, c -> {
            try (PreparedStatement drop = c.prepareStatement(
                         "select pgq.drop_queue(queue_name, true) from pgq.queue where queue_name = ?");
                 Statement st = c.createStatement()) {
                for (String q : QUEUES) {
                    drop.setString(1, q);
                    drop.execute();
                }
                st.execute("drop table if exists bench_plain_events");
                st.execute("drop sequence if exists bench_plain_seq");
            }
        });
    }

    private double[] read() throws Exception {
        out.println("== reading " + readEvents + " events in batches of 1000");
        try (Connection c = server.connect(); Statement st = c.createStatement();
             PreparedStatement insert = c.prepareStatement(
                     "select count(pgq.insert_event('bench_read', 'order', ?)) from generate_series(1, 1000)")) {
            st.execute("select pgq.create_queue('bench_read')");
            st.execute("select pgq.register_consumer('bench_read', 'jdbc')");
            st.execute("select pgq.register_consumer('bench_read', 'camel')");
            insert.setString(1, PAYLOAD);
            for (int i = 0; i < readEvents / 1000; i++) {
                insert.execute();
                st.execute("select pgq.force_tick('bench_read')");
                st.execute("select pgq.ticker('bench_read')");
                BenchConsole.progress(out, "preparing events", (i + 1) * 1000L, readEvents);
            }
            st.execute("vacuum analyze");
        }
        double jdbc = 0;
        double camel = 0;
        double camelBatch = 0;
        for (int round = 0; round < 2; round++) {
            out.println("bench: reading, round " + (round + 1) + " of 2");
            try (Connection c = server.connect(); Statement st = c.createStatement()) {
                st.execute("select pgq.register_consumer_at('bench_read', 'jdbc', 1)");
                st.execute("select pgq.register_consumer_at('bench_read', 'camel', 1)");
            }
            jdbc = jdbcLoop();
            camel = consumerRoute(ds, "camel", false);
            try (Connection c = server.connect(); Statement st = c.createStatement()) {
                st.execute("select pgq.register_consumer_at('bench_read', 'camel', 1)");
            }
            camelBatch = consumerRoute(ds, "camel", true);
        }
        out.printf("  JDBC loop (next_batch, get_batch_events, finish_batch)  %,12.0f events/s%n", jdbc);
        out.printf("  pgq: consumer route, exchange per event, no-op          %,12.0f events/s%n", camel);
        out.printf("  pgq: consumer route, batchMode (1000 per exchange), no-op %,10.0f events/s%n", camelBatch);
        return new double[] {jdbc, camel, camelBatch};
    }

    private double jdbcLoop() throws Exception {
        long events = 0;
        long start = System.nanoTime();
        try (Connection c = server.connect();
             PreparedStatement next = c.prepareStatement("select pgq.next_batch('bench_read', 'jdbc')");
             PreparedStatement get = c.prepareStatement("select * from pgq.get_batch_events(?)");
             PreparedStatement finish = c.prepareStatement("select pgq.finish_batch(?)")) {
            while (true) {
                long batch;
                try (ResultSet rs = next.executeQuery()) {
                    rs.next();
                    batch = rs.getLong(1);
                    if (rs.wasNull()) {
                        break;
                    }
                }
                get.setLong(1, batch);
                try (ResultSet rs = get.executeQuery()) {
                    while (rs.next()) {
                        // what a consumer hands on: every field of the event
                        blackhole += rs.getLong(1) + rs.getObject(2, OffsetDateTime.class).getNano() + rs.getLong(3)
                                     + rs.getInt(4) + len(rs.getString(5)) + len(rs.getString(6)) + len(rs.getString(7))
                                     + len(rs.getString(8)) + len(rs.getString(9)) + len(rs.getString(10));
                        events++;
                    }
                }
                finish.setLong(1, batch);
                finish.executeQuery().close();
            }
        }
        check(events, readEvents);
        return events / seconds(start);
    }

    private double consumerRoute(HikariDataSource ds, String consumer, boolean batchMode) throws Exception {
        AtomicLong count = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        CamelContext ctx = new DefaultCamelContext();
        ctx.getRegistry().bind("ds", ds);
        ctx.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("pgq:bench_read?dataSource=#ds&listen=false&fetchSize=1000&consumerName=" + consumer + "&batchMode=" + batchMode)
                        .process(e -> {
                            int n = batchMode ? e.getIn().getBody(List.class).size() : 1;
                            if (count.addAndGet(n) == readEvents) {
                                done.countDown();
                            }
                        });
            }
        });
        long start = System.nanoTime();
        ctx.start();
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("consumer route read only " + count.get() + " events");
        }
        double rate = readEvents / seconds(start);
        ctx.stop();
        return rate;
    }

    /** events/s: [plain COPY, List producer, one event per exchange] */
    private double[] write() throws Exception {
        out.println("== producing " + writeEvents + " events (lists of 1000)");
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute("select pgq.create_queue('bench_write')");
            st.execute("create sequence bench_plain_seq");
            st.execute("create table bench_plain_events (ev_id bigint not null default nextval('bench_plain_seq'), ev_time timestamptz not null,"
                       + " ev_txid bigint not null default txid_current(), ev_owner int4, ev_retry int4, ev_type text, ev_data text,"
                       + " ev_extra1 text, ev_extra2 text, ev_extra3 text, ev_extra4 text) with (fillfactor = 100)");
            st.execute("create index on bench_plain_events (ev_txid)");
        }
        List<String> list = new ArrayList<>(Arrays.asList(new String[1000]));
        list.replaceAll(x -> PAYLOAD);
        double copy = 0;
        double producer = 0;
        double single = 0;
        CamelContext ctx = new DefaultCamelContext();
        ctx.getRegistry().bind("ds", ds);
        ctx.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:list").to("pgq:bench_write?dataSource=#ds&eventType=order&copyThreshold=200");
                from("direct:one").to("pgq:bench_write?dataSource=#ds&eventType=order");
            }
        });
        ctx.start();
        ProducerTemplate p = ctx.createProducerTemplate();
        for (int round = 0; round < 2; round++) {
            out.println("bench: producing, round " + (round + 1) + " of 2");
            copy = plainCopy();
            long start = System.nanoTime();
            for (int i = 0; i < writeEvents / 1000; i++) {
                p.sendBody("direct:list", list);
            }
            producer = writeEvents / seconds(start);
            int n = writeEvents / 10;
            start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                p.sendBody("direct:one", PAYLOAD);
            }
            single = n / seconds(start);
        }
        ctx.stop();
        out.printf("  plain table COPY                 %,12.0f events/s%n", copy);
        out.printf("  pgq: producer, List body         %,12.0f events/s%n", producer);
        out.printf("  pgq: producer, event per exchange %,11.0f events/s%n", single);
        return new double[] {copy, producer, single};
    }

    private double plainCopy() throws Exception {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            rows.append("now\torder\t").append(PAYLOAD).append('\n');
        }
        String data = rows.toString();
        long start = System.nanoTime();
        try (Connection c = server.connect()) {
            c.setAutoCommit(false);
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (int i = 0; i < writeEvents / 1000; i++) {
                copy.copyIn("copy bench_plain_events (ev_time, ev_type, ev_data) from stdin", new StringReader(data));
                c.commit();
            }
        }
        return writeEvents / seconds(start);
    }

    /** p99 in ms: [ticker routes + NOTIFY, pgqd (when installed)] */
    private double[] latency() throws Exception {
        out.println("== latency, commit to processor, 1000 events/s for " + latencySeconds + " s");
        double ours = latencyRun("bench_lat1", true);
        out.printf("  ticker routes (defaults: 10 ms, 250 ms idle) + NOTIFY   p99 %.1f ms%n", ours);
        if (pgqdConnstr == null || !Files.isExecutable(Path.of("/usr/bin/pgqd"))) {
            out.println("  pgqd: not installed (or no connection string for it): skipped");
            return new double[] {ours};
        }
        Path dir = Files.createTempDirectory("bench-pgqd");
        Files.writeString(dir.resolve("pgqd.ini"), String.join("\n", "[pgqd]",
                "base_connstr = " + pgqdConnstr, "database_list = " + database,
                "logfile = " + dir.resolve("pgqd.log"), "pidfile = " + dir.resolve("pgqd.pid"), "syslog = 0", ""));
        Process pgqd = new ProcessBuilder("/usr/bin/pgqd", dir.resolve("pgqd.ini").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("pgqd.out").toFile()).start();
        try {
            double theirs = latencyRun("bench_lat2", false);
            out.printf("  pgqd (defaults, ticker_period 1 s) p99 %.1f ms%n", theirs);
            return new double[] {ours, theirs};
        } finally {
            pgqd.destroy();
            pgqd.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private double latencyRun(String queue, boolean ourTicker) throws Exception {
        try (Connection c = ds.getConnection()) {
            execute(c, "select pgq.create_queue(?)", queue);
            execute(c, "select pgq.register_consumer(?, 'lat')", queue);
            // tick on every ticker run that sees an event, as `skytools pgq create-queue` makes queues
            // (PgQ's own default ticker_max_lag is 3 s): both tickers are measured with this
            execute(c, "select pgq.set_queue_config(?, 'ticker_max_lag', '0')", queue);
        }
        Map<Long, Long> committed = new ConcurrentHashMap<>();
        Map<Long, Long> received = new ConcurrentHashMap<>();
        CamelContext ctx = new DefaultCamelContext();
        ctx.getRegistry().bind("ds", ds);
        if (ourTicker) {
            // the runtime's defaults (skytools.ticker.period 10 ms, idle-period 250 ms)
            ctx.addRoutes(new PgqTickerRoutes().database("ds"));
        }
        ctx.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // arrival times by event id, matched with commit times at the end: under load the
                // consumer can see an event before the inserting thread has noted its commit
                from("pgq:" + queue + "?dataSource=#ds&consumerName=lat").process(e -> received.put(
                        e.getIn().getHeader(PgqConstants.EVENT_ID, Long.class), System.nanoTime()));
            }
        });
        ctx.start();
        // measure the steady state: the consumer is idle and listening, the ticker is ticking
        long ready = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < ready) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        int total = latencySeconds * 1000;
        try (Connection c = ds.getConnection();
             PreparedStatement ins = c.prepareStatement("select pgq.insert_event(?, 'tick', ?)")) {
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                long due = start + i * 1_000_000L;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                ins.setString(1, queue);
                ins.setString(2, PAYLOAD);
                try (ResultSet rs = ins.executeQuery()) {
                    rs.next();
                    committed.put(rs.getLong(1), System.nanoTime());
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.size() < total && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(50);
        }
        ctx.stop();
        List<Long> latencies = new ArrayList<>();
        received.forEach((id, at) -> {
            Long sent = committed.get(id);
            if (sent != null) {
                latencies.add(at - sent);
            }
        });
        try (Connection c = ds.getConnection();
             PreparedStatement ticks = c.prepareStatement("select count(*), max(gap),"
                     + " percentile_cont(0.5) within group (order by gap)"
                     + " from (select extract(epoch from tick_time - lag(tick_time) over (order by tick_id)) * 1000 as gap"
                     + " from pgq.tick t join pgq.queue q on q.queue_id = t.tick_queue where q.queue_name = ?) x")) {
            ticks.setString(1, queue);
            try (ResultSet rs = ticks.executeQuery()) {
                rs.next();
                out.printf("    %s: %d ticks, gap median %.1f ms, max %.1f ms%n", queue, rs.getLong(1), rs.getDouble(3),
                        rs.getDouble(2));
            }
        }
        check(latencies.size(), total);
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        out.printf("    %s: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n", queue, pct(sorted, 0.5),
                pct(sorted, 0.9), pct(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
        return pct(sorted, 0.99);
    }

    private static void execute(Connection c, String sql, String queue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, queue);
            ps.execute();
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted[(int) Math.floor(sorted.length * p)] / 1e6;
    }

    private static long blackhole;

    private static int len(String s) {
        return s == null ? 0 : s.length();
    }

    private static void check(long got, long expected) {
        if (got != expected) {
            throw new IllegalStateException("expected " + expected + " events, got " + got);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
