package io.camelskytools.pgq;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.jdbc.ServerErrors;
import io.camelskytools.jdbc.JdbcUrls;
import io.camelskytools.pgq.schema.PgqSchema;
import io.camelskytools.pgq.schema.SchemaInstaller;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.ScheduledPollEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PgQ queue. As a consumer it reads the queue's batches for one consumer name and
 * finishes a batch only after every exchange of it completed; as a producer it inserts
 * events, or runs an admin operation.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "pgq", title = "PgQ", syntax = "pgq:queueName",
             category = {Category.DATABASE, Category.MESSAGING}, headersClass = PgqConstants.class)
public class PgqEndpoint extends ScheduledPollEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(PgqEndpoint.class);

    @UriPath(description = "Name of the queue (any text; \"*\" for the queueInfo operation means all queues).")
    @Metadata(required = true)
    private final String queueName;

    @UriParam
    private final PgqConfiguration configuration;

    /** What the endpoint uses, resolved at start. */
    private DataSource dataSource;
    private HikariDataSource ownedPool;
    private boolean ownPool;

    public PgqEndpoint(String uri, PgqComponent component, String queueName, PgqConfiguration configuration) {
        super(uri, component);
        this.queueName = queueName;
        this.configuration = configuration;
        // the consumer waits for ticks inside poll(); the scheduler only restarts it
        setDelay(1);
        setInitialDelay(0);
        setGreedy(true);
        // after a failed poll (database down, a batch that fails) skip about a second of polls
        setBackoffErrorThreshold(1);
        setBackoffMultiplier(1000);
    }

    @Override
    public PgqComponent getComponent() {
        return (PgqComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        inheritComponentDatabase();
        configuration.validate(queueName, PgqConfiguration.Use.PRODUCER);
        return new PgqProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        inheritComponentDatabase();
        configuration.validate(queueName, PgqConfiguration.Use.CONSUMER);
        PgqConsumer consumer = new PgqConsumer(this, processor);
        // pollStrategy or exceptionHandler options given on the endpoint replace this in configureConsumer
        PgqPollStrategy failedPolls = new PgqPollStrategy("pgq consumer " + consumerLabel() + " on queue " + queueName);
        consumer.setPollStrategy(failedPolls);
        consumer.setExceptionHandler(failedPolls);
        configureConsumer(consumer);
        return consumer;
    }

    /** Whether this endpoint's URI gave a jdbcUrl and no dataSource: it then uses its own pool. */
    void ownPool(boolean own) {
        this.ownPool = own;
    }

    /** A DataSource (or instanceId) given to the component after this endpoint was made still reaches it. */
    private void inheritComponentDatabase() {
        if (configuration.getDataSource() == null && configuration.getJdbcUrl() == null) {
            configuration.setDataSource(getComponent().getDataSource());
        }
        if (configuration.isCoop() && configuration.getSubconsumer() == null) {
            configuration.setSubconsumer(getComponent().getInstanceId());
        }
    }

    /** The name of the database the queue is in (part of an exclusive consumer's namespace). */
    String databaseName() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return c.getCatalog();
        }
    }

    /** The consumer name, with ".subconsumer" for a cooperative one. */
    String consumerLabel() {
        String sub = configuration.getSubconsumer();
        return configuration.getConsumerName() + (sub != null ? "." + sub : "");
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        inheritComponentDatabase();
        // Camel autowires a lone DataSource bean into the endpoint too: the endpoint's jdbcUrl still wins
        dataSource = ownPool ? null : configuration.getDataSource();
        if (dataSource == null && configuration.getJdbcUrl() != null) {
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(configuration.getJdbcUrl());
            cfg.setUsername(configuration.getUsername());
            cfg.setPassword(configuration.getPassword());
            cfg.setPoolName("pgq-" + queueName);
            cfg.setMaximumPoolSize(4);
            cfg.setMinimumIdle(0);
            // an endpoint whose database is down at start still starts; it retries when used
            cfg.setInitializationFailTimeout(-1);
            ownedPool = new HikariDataSource(cfg);
            dataSource = ownedPool;
            LOG.info("pgq:{}: pool for {}", queueName, JdbcUrls.mask(configuration.getJdbcUrl()));
        }
    }

    /**
     * Checks the schema when a consumer or producer starts. A database that cannot be
     * reached does not stop the start: one line says so and the check is left to the first
     * use ({@code false} returned); any other problem (no schema, no rights) fails the start.
     */
    boolean checkSchemaIfReachable(String who) throws SQLException {
        try {
            checkSchema();
            return true;
        } catch (SQLException | RuntimeException e) {
            if (!ServerErrors.isUnreachable(e)) {
                throw e;
            }
            LOG.warn("{}: database unreachable at start ({}); checking again on first use", who, e.getMessage());
            return false;
        }
    }

    /** Checks (and with installSchema installs) the pgq schema. */
    void checkSchema() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            PgqSchema schema = PgqSchema.inspect(c);
            boolean installSchema = configuration.isInstallSchema();
            if (schema.kind() == PgqSchema.Kind.NONE && !installSchema) {
                throw new IllegalStateException("pgq:" + queueName + ": database " + c.getCatalog()
                        + " has no pgq schema; install sql/pgq/install.sql or set installSchema=true");
            }
            if (installSchema && schema.kind() != PgqSchema.Kind.SKYTOOLS) {
                SchemaInstaller.installPgq(c);
            }
            if (configuration.getSubconsumer() != null && !hasSchema(c, "pgq_coop")) {
                if (!installSchema) {
                    throw new IllegalStateException("pgq:" + queueName + ": subconsumer needs pgq_coop in database "
                            + c.getCatalog() + "; install sql/pgq_coop/install.sql or set installSchema=true");
                }
                SchemaInstaller.installPgqCoop(c);
            }
        }
        PgqTargetDataSource target = configuration.getTargetDataSource();
        if (target != null) {
            // the target keeps the record of applied batches; ours is installed where none is
            try (Connection t = target.target().getConnection()) {
                if (!hasSchema(t, "pgq_ext") || configuration.isInstallSchema()) {
                    SchemaInstaller.installPgqExt(t);
                }
            }
        }
    }

    private static boolean hasSchema(Connection c, String schema) throws SQLException {
        try (var ps = c.prepareStatement("select 1 from pg_catalog.pg_namespace where nspname = ?")) {
            ps.setString(1, schema);
            try (var rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (ownedPool != null) {
            ownedPool.close();
            ownedPool = null;
        }
        dataSource = null;
        super.doStop();
    }

    public String getQueueName() {
        return queueName;
    }

    public PgqConfiguration getConfiguration() {
        return configuration;
    }

    /** The database: the endpoint's own pool (jdbcUrl), its dataSource, or the component's. */
    public DataSource getDataSource() {
        return dataSource;
    }
}
