package io.camelskytools.pgq.harness;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.camelskytools.pgq.schema.SchemaInstaller;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real PostgreSQL servers for a test class, and a fresh database on each for every test.
 * <pre>
 * &#64;RegisterExtension
 * static final PgExtension PG = PgExtension.servers(2).withPgq();
 * ... PG.db(), PG.db(1)
 * </pre>
 * Servers are shared by the tests of the class and stopped after it (and at JVM exit,
 * whatever happens). With {@link #withPgq()} every database comes with PgQ: ours from
 * sql/pgq, or Skytools' extension when {@code pgtest.schema=skytools} (the same for
 * {@link #withPgqNode()} and pgq_node); it is installed
 * once per server in a template database and copied, which keeps a new database cheap.
 */
public final class PgExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private static final Logger LOG = LoggerFactory.getLogger(PgExtension.class);
    private static final AtomicInteger DB_COUNTER = new AtomicInteger();
    private static final String TEMPLATE = "pgq_template";

    private final int count;
    private boolean pgq;
    private boolean coop;
    private boolean node;
    private boolean londiste;
    private final List<PgServer> servers = new ArrayList<>();
    private final List<TestDb> dbs = new ArrayList<>();
    private final List<Boolean> templateReady = new ArrayList<>();
    private Thread shutdownHook;

    private PgExtension(int count) {
        this.count = count;
    }

    public static PgExtension servers(int count) {
        return new PgExtension(count);
    }

    /** Every fresh database gets PgQ installed. */
    public PgExtension withPgq() {
        this.pgq = true;
        return this;
    }

    /** Every fresh database also gets our pgq_coop (on top of whichever pgq the run uses). */
    public PgExtension withPgqCoop() {
        this.pgq = true;
        this.coop = true;
        return this;
    }

    /**
     * Every fresh database also gets pgq_node: ours from sql/pgq_node, or Skytools' extension
     * ({@code CREATE EXTENSION pgq_node}) when {@code pgtest.schema=skytools}.
     */
    public PgExtension withPgqNode() {
        this.pgq = true;
        this.node = true;
        return this;
    }

    /**
     * Every fresh database also gets pgq_node and londiste: ours from sql/londiste, or
     * Skytools' extensions ({@code CREATE EXTENSION pgq_node, londiste}) when
     * {@code pgtest.schema=skytools}.
     */
    public PgExtension withLondiste() {
        withPgqNode();
        this.londiste = true;
        return this;
    }

    public PgServer server(int i) {
        return servers.get(i);
    }

    public TestDb db() {
        return db(0);
    }

    /** This test's database on server {@code i}. */
    public TestDb db(int i) {
        return dbs.get(i);
    }

    /** Another fresh database on server {@code i}, for tests that need more than one. */
    public TestDb newDb(int i, String hint) throws SQLException {
        PgServer s = servers.get(i);
        String name = ("t" + DB_COUNTER.incrementAndGet() + "_" + hint.replaceAll("[^A-Za-z0-9]", "_")).toLowerCase();
        if (name.length() > 60) {
            name = name.substring(0, 60);
        }
        if (pgq && !templateReady.get(i)) {
            createTemplate(s);
            templateReady.set(i, true);
        }
        try (Connection c = DriverManager.getConnection(s.jdbcUrl("postgres")); Statement st = c.createStatement()) {
            st.execute("create database \"" + name + "\"" + (pgq ? " template " + TEMPLATE : ""));
        }
        return new TestDb(s, name);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        shutdownHook = new Thread(this::stopAll, "pgtest-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        for (int i = 0; i < count; i++) {
            PgServer s = PgTestConfig.startServer();
            servers.add(s);
            templateReady.add(false);
            LOG.info("test server {} for {}: {}; {}", i, context.getDisplayName(), s.describe(),
                    PgTestConfig.skytoolsSchema() ? "Skytools PgQ" : "our PgQ");
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        dbs.clear();
        String hint = context.getRequiredTestMethod().getName();
        for (int i = 0; i < servers.size(); i++) {
            dbs.add(newDb(i, hint));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
    }

    private synchronized void stopAll() {
        for (PgServer s : servers) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.warn("could not stop {}: {}", s.describe(), e.getMessage());
            }
        }
        servers.clear();
        templateReady.clear();
    }

    private void createTemplate(PgServer s) throws SQLException {
        try (Connection c = DriverManager.getConnection(s.jdbcUrl("postgres")); Statement st = c.createStatement()) {
            st.execute("create database " + TEMPLATE);
        }
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(TEMPLATE))) {
            if (PgTestConfig.skytoolsSchema()) {
                try (Statement st = c.createStatement()) {
                    // fails (never skips) when postgresql-15-pgq3 is not installed
                    st.execute("create extension pgq");
                }
            } else {
                SchemaInstaller.installPgq(c);
            }
            if (coop) {
                SchemaInstaller.installPgqCoop(c);
            }
            if (node) {
                if (PgTestConfig.skytoolsSchema()) {
                    try (Statement st = c.createStatement()) {
                        // fails (never skips) when postgresql-15-pgq-node is not installed
                        st.execute("create extension pgq_node");
                    }
                } else {
                    SchemaInstaller.installPgqNode(c);
                }
            }
            if (londiste) {
                if (PgTestConfig.skytoolsSchema()) {
                    try (Statement st = c.createStatement()) {
                        // fails (never skips) when postgresql-15-londiste-sql is not installed
                        st.execute("create extension londiste");
                    }
                } else {
                    SchemaInstaller.installLondiste(c);
                }
            }
        }
        // a real template: tools that scan the server's databases (pgqd, discovery) leave it alone
        try (Connection c = DriverManager.getConnection(s.jdbcUrl("postgres")); Statement st = c.createStatement()) {
            st.execute("alter database " + TEMPLATE + " is_template true allow_connections false");
        }
    }
}
