package io.camelskytools.runtime.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.pgq.client.PgqClient;
import io.camelskytools.pgq.schema.SchemaInstaller;
import io.camelskytools.pgq.ticker.PgqTickerRoutes;
import io.camelskytools.routes.HttpIngestRoutes;
import io.camelskytools.routes.WalArchiveRoutes;
import io.camelskytools.runtime.cli.SkytoolsCli;
import io.camelskytools.runtime.config.Connections;
import io.camelskytools.runtime.config.DatabaseConfig;
import io.camelskytools.runtime.config.EmbeddedDatabase;
import io.camelskytools.runtime.config.SkytoolsConfig;
import io.camelskytools.runtime.config.WalmgrConfig;
import io.camelskytools.runtime.status.DatabaseStats;
import io.camelskytools.runtime.status.StatusBoard;
import io.camelskytools.runtime.status.StatusPage;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.main.SimpleMainShutdownStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code skytools run}: Camel Main with the ticker, retry and maintenance routes for every
 * configured database, the shipped routes (routes/) and the user's. With no database
 * configured it starts an embedded PostgreSQL, installs our PgQ and runs a demo queue.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
         description = "Run the ticker, maintenance and routes. With no database configured: an embedded PostgreSQL"
                       + " with a demo queue.")
public final class RunCommand implements Callable<Integer> {

    private static final int SHUTDOWN_TIMEOUT_SECONDS = 10;
    private static final Duration PGQD_CHECK_PERIOD = Duration.ofMinutes(1);
    private static final long DEFAULT_HTTP_MAX_BODY = 1024 * 1024;
    /** Connections per database for the runtime's own routes; template routes add what they hold. */
    private static final int POOL_SIZE = 6;

    @ParentCommand
    SkytoolsCli root;

    @Spec
    CommandSpec spec;

    @Option(names = "--routes", paramLabel = "PATTERN",
            description = "More routes to load (Camel resource patterns: file:routes/*.yaml, classpath:my/*.yaml)."
                          + " Repeatable.")
    List<String> routes = new ArrayList<>();

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory of the embedded PostgreSQL (default: ~/.skytools/embedded/data).")
    Path dataDir = Path.of(System.getProperty("user.home"), ".skytools", "embedded", "data");

    @Option(names = "--port", description = "Port of the embedded PostgreSQL (default: a free one).")
    int port;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after this many seconds (default: run until"
                                                                        + " Ctrl-C).")
    int duration;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SkytoolsConfig config = root.config();
        Map<String, DatabaseConfig> dbs = new LinkedHashMap<>(config.databases());
        Duration tickerPeriod = config.duration("skytools.ticker.period", Duration.ofMillis(10));
        Duration tickerIdlePeriod = config.duration("skytools.ticker.idle-period", Duration.ofMillis(250));
        Duration retryPeriod = config.duration("skytools.retry.period", Duration.ofSeconds(30));
        Duration maintPeriod = config.duration("skytools.maint.period", Duration.ofSeconds(120));
        EmbeddedDatabase embedded = null;
        // released once everything below is closed: the embedded server's exit hook waits for it
        CountDownLatch finished = new CountDownLatch(1);
        org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ broker = null;
        Map<String, HikariDataSource> pools = new LinkedHashMap<>();
        Path managementAuth = null;
        Map<String, Object> beans = new LinkedHashMap<>();
        StopSignals signals = new StopSignals();
        try {
            boolean demo;
            WalmgrConfig walmgr = new WalmgrConfig(config);
            if (dbs.isEmpty() && walmgr.stream()) {
                // WAL archiving only: no queue database, so no embedded one either
                demo = false;
            } else if (dbs.isEmpty()) {
                out.println("skytools: no database configured (" + config.source() + "): starting an embedded PostgreSQL");
                embedded = EmbeddedDatabase.start(dataDir.toAbsolutePath(), port);
                // Ctrl-C: Camel finishes the batch in hand first, then the server stops
                embedded.stopAtExitAfter(finished, Duration.ofSeconds(SHUTDOWN_TIMEOUT_SECONDS + 15));
                out.println("skytools: embedded PostgreSQL on 127.0.0.1:" + embedded.port() + ", data in " + embedded.dataDir());
                dbs.put("main", embedded.config());
                demo = config.bool("skytools.demo", true);
                prepareEmbedded(embedded.config(), demo, out);
            } else {
                demo = config.bool("skytools.demo", false);
            }

            Main main = new Main();
            main.setDefaultPropertyPlaceholderLocation("false");
            PgqTickerRoutes ticker = new PgqTickerRoutes().tickerPeriod(tickerPeriod).idlePeriod(tickerIdlePeriod).retryPeriod(retryPeriod)
                    .maintPeriod(maintPeriod);
            List<String> ticked = new ArrayList<>();
            TemplateRoutes templates = TemplateRoutes.plan(config, dbs);
            for (DatabaseConfig db : dbs.values()) {
                HikariDataSource pool = pool(db, POOL_SIZE + templates.connections(db.beanName()));
                pools.put(db.beanName(), pool);
                main.bind(db.beanName(), pool);
                beans.put(db.beanName(), pool);
                boolean tickHere = config.bool("skytools.db." + db.name() + ".ticker", true);
                if (tickHere) {
                    ticker.database(db.beanName());
                    ticked.add(db.name());
                    main.configure().addRoutesBuilder(new PgqdWatch(db.name(), db.beanName(), PGQD_CHECK_PERIOD));
                }
                out.println("skytools: database " + db + " (bean " + db.beanName() + ")"
                            + (tickHere ? "" : "; ticker, retry and maintenance routes off (skytools.db." + db.name()
                                               + ".ticker=false): pgqd or another runtime does them"));
            }
            if (!ticked.isEmpty()) {
                main.configure().addRoutesBuilder(ticker);
            }
            DefaultDataSource.configure(main, config, dbs.values(), out);
            Duration statsPeriod = config.duration("skytools.stats.period", Duration.ofSeconds(10));
            Duration maxTickerLag = config.duration("skytools.health.max-ticker-lag", Duration.ofMinutes(3));
            Duration maxConsumerLag = config.get("skytools.health.max-consumer-lag") == null ? null
                    : config.duration("skytools.health.max-consumer-lag", null);
            StatusBoard board = new StatusBoard(config.duration("skytools.status.window", Duration.ofMinutes(15)));
            for (DatabaseConfig db : dbs.values()) {
                main.configure().addRoutesBuilder(new DatabaseStats(db.name(), db.beanName(), statsPeriod, maxTickerLag,
                        maxConsumerLag, board));
            }
            configureHttp(main, config, dbs, out);
            configureWalArchive(main, walmgr, out);
            List<String> londisteWorkers = LondisteWorkers.configure(main, config, board, out);
            String instanceId = ClusterSetup.instance(main, config, out);
            List<String> templateRoutes = dbs.isEmpty() ? List.of() : templates.addTo(main, out);
            PoolGrowth poolGrowth = new PoolGrowth(pools, Set.copyOf(templateRoutes));
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void beforeConfigure(BaseMainSupport m) {
                    m.getCamelContext().addLifecycleStrategy(poolGrowth);
                }
            });
            SingletonRoutes singletons = ClusterSetup.configure(main, config, dbs, instanceId, out);
            if (singletons != null) {
                for (String db : ticked) {
                    String bean = dbs.get(db).beanName();
                    List.of("pgq-ticker-", "pgq-retry-", "pgq-maint-").forEach(r -> singletons.add(r + bean));
                }
                if (walmgr.stream()) {
                    singletons.add("walmgr-archive");
                }
                londisteWorkers.forEach(singletons::add);
                templateRoutes.forEach(singletons::add);
                board.singletonNamespaces(singletons.routeIds().stream().map(singletons::namespace).toList());
                out.println("skytools: cluster: these run in one member at a time, each where its namespace "
                            + singletons.namespace("ROUTE") + " has its leader: "
                            + (singletons.routeIds().isEmpty() ? "none" : String.join(", ", singletons.routeIds())));
            }
            managementAuth = configureManagement(main, config, board, out);
            broker = Bridges.configure(main, config, dbs, beans, dataDir.toAbsolutePath().getParent(), out);
            // the shipped YAML routes (demo) need a queue database; they live outside Camel Main's default
            // classpath:camel/* so that only this decides whether they load
            List<String> patterns = new ArrayList<>(dbs.isEmpty() ? List.of() : List.of("classpath:skytools/routes/*.yaml"));
            patterns.addAll(routes);
            if (patterns.isEmpty()) {
                // nothing to load from files: only the route builders added above
                main.configure().setRoutesCollectorEnabled(false);
            } else {
                main.configure().setRoutesIncludePattern(String.join(",", patterns));
            }
            config.foreignProperties().forEach(main::addInitialProperty);
            main.addInitialProperty("skytools.demo", Boolean.toString(demo));
            if (!dbs.isEmpty()) {
                main.addInitialProperty("skytools.demo.db", dbs.values().iterator().next().beanName());
            }
            main.configure().setName("skytools");
            main.configure().setShutdownTimeout(SHUTDOWN_TIMEOUT_SECONDS);
            if (duration > 0) {
                main.configure().setDurationMaxSeconds(duration);
            }
            out.println("skytools: " + (dbs.isEmpty() ? "no queue database"
                    : ticked.isEmpty() ? "no ticker routes (every database has skytools.db.NAME.ticker=false)"
                    : "ticker every " + tickerPeriod.toMillis() + " ms (" + tickerIdlePeriod.toMillis()
                      + " ms when no queue ticked for a second), retries every " + retryPeriod.toSeconds()
                      + " s, maintenance every " + maintPeriod.toSeconds() + " s"
                      + (ticked.size() == dbs.size() ? "" : " on " + String.join(", ", ticked)))
                        + (patterns.isEmpty() ? "" : "; routes from " + String.join(", ", patterns))
                        + (demo ? "; demo queue 'demo' with consumer 'demo-reader'" : ""));
            out.flush();
            // a signal stops Camel gracefully and says which signal it was (Camel's own hook calls everything SIGTERM)
            main.setShutdownStrategy(new SimpleMainShutdownStrategy());
            signals.onStop(main::completed);
            if (!signals.requested()) {
                main.run();
            }
            return 0;
        } finally {
            try {
                signals.close();
                if (broker != null) {
                    broker.stop();
                }
                pools.values().forEach(HikariDataSource::close);
                if (managementAuth != null) {
                    Files.deleteIfExists(managementAuth);
                }
                if (embedded != null) {
                    embedded.close();
                }
            } finally {
                finished.countDown();
            }
        }
    }

    /** The HTTP bridge (skytools.http.*) and the management endpoints /observe/health and /observe/metrics. */
    private static void configureHttp(Main main, SkytoolsConfig config, Map<String, DatabaseConfig> dbs, PrintWriter out) {
        if (config.bool("skytools.http.enabled", false)) {
            if (dbs.isEmpty()) {
                throw new SkytoolsConfig.ConfigException("skytools.http.enabled needs a database (skytools.db.NAME.url)");
            }
            String host = config.get("skytools.http.host", "127.0.0.1");
            String port = port(config, "skytools.http.port", "8080");
            String dbName = config.get("skytools.http.db", dbs.keySet().iterator().next());
            DatabaseConfig db = dbs.get(dbName);
            if (db == null) {
                throw new SkytoolsConfig.ConfigException("skytools.http.db names no configured database: " + dbName);
            }
            long maxBody = config.bytes("skytools.http.max-body-size", DEFAULT_HTTP_MAX_BODY);
            main.addInitialProperty("camel.server.enabled", "true");
            main.addInitialProperty("camel.server.host", host);
            main.addInitialProperty("camel.server.port", port);
            main.addInitialProperty("camel.server.maxBodySize", Long.toString(maxBody));
            // JSON only: no multipart files written to the working directory
            main.addInitialProperty("camel.server.fileUploadEnabled", "false");
            main.addMainListener(new HttpBridgeRefusals(Integer.parseInt(port), maxBody));
            main.configure().addRoutesBuilder(new HttpIngestRoutes(db.beanName()));
            out.println("skytools: HTTP bridge on http://" + host + ":" + port + "/queues/{queue}/events -> database " + dbName
                        + " (JSON bodies up to " + maxBody + " bytes)");
        }
    }

    /** Streaming WAL archiving (skytools.walmgr.*), when an archive and a primary are configured. */
    private static void configureWalArchive(Main main, WalmgrConfig walmgr, PrintWriter out) {
        if (!walmgr.stream()) {
            return;
        }
        String copyTo = walmgr.config().get(WalmgrConfig.PREFIX + "copy-to");
        main.configure().addRoutesBuilder(new WalArchiveRoutes(walmgr.primaryUrl(), walmgr.primaryUser(),
                walmgr.primaryPassword(), walmgr.archive(), walmgr.slot(), walmgr.flushInterval(), walmgr.compress(),
                copyTo).synchronous(walmgr.synchronous()));
        out.println("skytools: streaming WAL from " + walmgr.describePrimary() + " into " + walmgr.archive().toAbsolutePath()
                    + " (slot " + walmgr.slot() + ", flushed every " + walmgr.flushInterval().toMillis() + " ms"
                    + (walmgr.synchronous() ? " and whenever the primary waits: a synchronous standby" : "")
                    + (copyTo != null ? ", completed segments copied to " + copyTo.replaceAll("password=[^&]*",
                            "password=xxxxxx") : "") + ")");
    }

    /**
     * /observe/health, /observe/metrics and the status page on the management server;
     * protected by HTTP basic authentication when skytools.management.user is set. Returns
     * the credentials file written for Vert.x (deleted at exit), or null.
     */
    private static Path configureManagement(Main main, SkytoolsConfig config, StatusBoard board, PrintWriter out)
            throws IOException {
        if (!config.bool("skytools.management.enabled", true)) {
            return null;
        }
        String host = config.get("skytools.management.host", "127.0.0.1");
        String port = port(config, "skytools.management.port", "9876");
        main.addInitialProperty("camel.management.enabled", "true");
        main.addInitialProperty("camel.management.host", host);
        main.addInitialProperty("camel.management.port", port);
        main.addInitialProperty("camel.management.healthCheckEnabled", "true");
        main.addInitialProperty("camel.management.metricsEnabled", "true");
        main.addInitialProperty("camel.metrics.enabled", "true");
        // Camel's exchange event notifier registers its last-exchange gauge check-then-act, so two
        // routes finishing their first exchange together log a WARN; the route policy's per-route
        // meters (exchanges, failures, inflight, time) are what the status page and alerts read
        main.addInitialProperty("camel.metrics.enableExchangeEventNotifier", "false");
        main.addMainListener(new StatusPage(board, Integer.parseInt(port)));
        Path credentials = ManagementCredentials.write(config);
        if (credentials != null) {
            main.addInitialProperty("camel.management.authenticationEnabled", "true");
            main.addInitialProperty("camel.management.authenticationPath", "/*");
            main.addInitialProperty("camel.management.authenticationRealm", "skytools");
            main.addInitialProperty("camel.management.basicPropertiesFile", credentials.toString());
        }
        String base = "http://" + host + ":" + port;
        out.println("skytools: status page on " + base + StatusPage.PAGE + ", health on " + base + "/observe/health,"
                    + " Prometheus metrics on " + base + "/observe/metrics"
                    + (credentials != null ? " (basic authentication as " + config.get("skytools.management.user") + ")"
                                           : ""));
        return credentials;
    }

    private static String port(SkytoolsConfig config, String key, String dflt) {
        String v = config.get(key, dflt);
        try {
            int p = Integer.parseInt(v);
            if (p < 1 || p > 65535) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new SkytoolsConfig.ConfigException(key + " must be a port number (1-65535), not '" + v + "'");
        }
    }

    private static HikariDataSource pool(DatabaseConfig db, int size) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(db.url());
        cfg.setUsername(db.user());
        cfg.setPassword(db.password());
        cfg.setPoolName(db.beanName());
        cfg.setMaximumPoolSize(size);
        cfg.setMinimumIdle(1);
        // a database that is down at start does not stop the others; its routes retry
        cfg.setInitializationFailTimeout(-1);
        // and its routes learn it within seconds, not Hikari's default 30
        cfg.setConnectionTimeout(5_000);
        return new HikariDataSource(cfg);
    }

    private static void prepareEmbedded(DatabaseConfig db, boolean demo, PrintWriter out) throws Exception {
        try (Connection c = Connections.open(db)) {
            SchemaInstaller.installPgq(c);
            if (demo && PgqClient.createQueue(c, "demo") == 1) {
                out.println("skytools: created queue 'demo'");
            }
            if (demo) {
                out.println(DemoPace.describe(c));
            }
        }
    }
}
