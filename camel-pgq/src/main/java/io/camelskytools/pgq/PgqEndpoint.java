package io.camelskytools.pgq;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

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

    @UriParam(label = "common", description = "The database: a DataSource bean (#name). Default: the component's.")
    private DataSource dataSource;
    @UriParam(label = "common", description = "The database as a JDBC URL; the endpoint then owns a HikariCP pool.")
    private String jdbcUrl;
    @UriParam(label = "security", secret = true, description = "User for jdbcUrl.")
    private String username;
    @UriParam(label = "security", secret = true, description = "Password for jdbcUrl.")
    private String password;
    @UriParam(label = "common", defaultValue = "false",
              description = "Install our PgQ schema (sql/pgq) when the database has none, and upgrade an older one of"
                            + " ours. A database with Skytools' PgQ is never touched.")
    private boolean installSchema;

    @UriParam(label = "consumer", description = "The PgQ consumer name (required for consuming).")
    private String consumerName;
    @UriParam(label = "consumer", description = "Cooperative consumption (pgq_coop): the name of this subconsumer."
                                               + " Every route instance (in this JVM or another) with the same consumerName"
                                               + " and its own subconsumer name gets whole batches of that consumer.")
    private String subconsumer;
    @UriParam(label = "consumer", defaultValue = "5m", javaType = "java.time.Duration",
              description = "Cooperative consumption: a sibling subconsumer silent for this long is taken for dead, and its"
                            + " open batch is taken over.")
    private Duration deadInterval = Duration.ofMinutes(5);
    @UriParam(label = "consumer", description = "Exactly-once into a database: a PgqTargetDataSource bean. The route's"
                                               + " writes through that bean and the record of the batch (pgq_ext in the"
                                               + " target) commit in one transaction; a batch already recorded is not"
                                               + " processed again.")
    private PgqTargetDataSource targetDataSource;
    @UriParam(label = "consumer", defaultValue = "true",
              description = "Register the consumer on the queue at start when it is not registered yet.")
    private boolean registerConsumer = true;
    @UriParam(label = "consumer", description = "Where a newly registered consumer starts: a tick id"
                                               + " (register_consumer_at). Default: the latest tick.")
    private Long startTick;
    @UriParam(label = "consumer", javaType = "java.time.Duration",
              description = "Stay this far behind the newest tick (next_batch_custom's min_lag).")
    private Duration minLag;
    @UriParam(label = "consumer", description = "Merge ticks until a batch has about this many events (min_count).")
    private Integer minCount;
    @UriParam(label = "consumer", javaType = "java.time.Duration",
              description = "Merge ticks until a batch spans this much time (min_interval).")
    private Duration minInterval;
    @UriParam(label = "consumer", defaultValue = "false",
              description = "One exchange per batch (body: List of PgqEvent, at most maxEventsPerExchange each)"
                            + " instead of one per event.")
    private boolean batchMode;
    @UriParam(label = "consumer", defaultValue = "1000",
              description = "In batchMode, the most events one exchange carries; a bigger batch becomes several exchanges.")
    private int maxEventsPerExchange = 1000;
    @UriParam(label = "consumer,advanced", defaultValue = "500",
              description = "Events read together with the batch, and per fetch for a bigger batch (a batch is never"
                            + " loaded whole).")
    private int fetchSize = 500;
    @UriParam(label = "consumer", defaultValue = "60s", javaType = "java.time.Duration",
              description = "Delay before a failed event comes back (pgq.event_retry).")
    private Duration retryDelay = Duration.ofSeconds(60);
    @UriParam(label = "consumer", defaultValue = "5",
              description = "How many times a failed event is retried through the retry queue before it goes to"
                            + " deadLetterUri (or, without one, fails its batch).")
    private int maxRetries = 5;
    @UriParam(label = "consumer", description = "Where an event goes once its retries are used up.")
    private String deadLetterUri;
    @UriParam(label = "consumer", defaultValue = "true",
              description = "Wake up at once when the ticker announces a tick (LISTEN on pgq.tick_channel); turn off"
                            + " behind PgBouncer transaction pooling. Polling stays as the fallback either way.")
    private boolean listen = true;
    @UriParam(label = "consumer", defaultValue = "1s", javaType = "java.time.Duration",
              description = "Longest wait between checks for a new batch when the queue is idle.")
    private Duration idleWait = Duration.ofSeconds(1);

    @UriParam(label = "consumer,health", javaType = "java.time.Duration",
              description = "The consumer's health check is DOWN when its lag (age of its position) passes this.")
    private Duration healthMaxLag;
    @UriParam(label = "consumer,health", javaType = "java.time.Duration",
              description = "The consumer's health check is DOWN when the queue has not ticked for this long"
                            + " (no ticker running). Mind the queue's ticker_idle_period: an idle queue ticks that seldom.")
    private Duration healthMaxTickerLag;

    @UriParam(label = "producer", defaultValue = "insert", description = "What the producer does.")
    private PgqOperation operation = PgqOperation.insert;
    @UriParam(label = "producer", description = "ev_type of inserted events when the message has no"
                                               + " CamelPgqEventType header.")
    private String eventType;
    @UriParam(label = "producer", defaultValue = "200",
              description = "A List body at least this long is inserted with COPY into pgq.current_event_table (needs"
                            + " INSERT on the event tables); shorter ones with one insert_event statement. 0 never copies.")
    private int copyThreshold = 200;
    @UriParam(label = "producer", defaultValue = "false",
              description = "dropQueue: unregister the queue's consumers first instead of refusing.")
    private boolean force;

    private DataSource ownedPool;

    public PgqEndpoint(String uri, PgqComponent component, String queueName) {
        super(uri, component);
        this.queueName = queueName;
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
        return new PgqProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (consumerName == null || consumerName.isBlank()) {
            throw new IllegalArgumentException("pgq:" + queueName + ": consuming needs the consumerName option");
        }
        if (fetchSize < 1) {
            throw new IllegalArgumentException("pgq:" + queueName + ": fetchSize must be at least 1, not " + fetchSize);
        }
        if (maxEventsPerExchange < 1) {
            throw new IllegalArgumentException("pgq:" + queueName + ": maxEventsPerExchange must be at least 1, not "
                                               + maxEventsPerExchange);
        }
        if (subconsumer != null && subconsumer.isBlank()) {
            throw new IllegalArgumentException("pgq:" + queueName + ": subconsumer must not be blank");
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("pgq:" + queueName + ": maxRetries must not be negative");
        }
        PgqConsumer consumer = new PgqConsumer(this, processor);
        // pollStrategy or exceptionHandler options given on the endpoint replace this in configureConsumer
        PgqPollStrategy failedPolls = new PgqPollStrategy("pgq consumer " + consumerName
                + (subconsumer != null ? "." + subconsumer : "") + " on queue " + queueName);
        consumer.setPollStrategy(failedPolls);
        consumer.setExceptionHandler(failedPolls);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (dataSource == null && jdbcUrl == null) {
            dataSource = getComponent().getDataSource();
        }
        if (dataSource == null && jdbcUrl == null) {
            throw new IllegalArgumentException("pgq:" + queueName + ": no database; set dataSource or jdbcUrl on the"
                                               + " endpoint, or a DataSource on the pgq component");
        }
        if (dataSource == null) {
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(jdbcUrl);
            cfg.setUsername(username);
            cfg.setPassword(password);
            cfg.setPoolName("pgq-" + queueName);
            cfg.setMaximumPoolSize(4);
            cfg.setMinimumIdle(0);
            // an endpoint whose database is down at start still starts; it retries when used
            cfg.setInitializationFailTimeout(-1);
            ownedPool = new HikariDataSource(cfg);
            dataSource = ownedPool;
            LOG.info("pgq:{}: pool for {}", queueName, JdbcUrls.mask(jdbcUrl));
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
            if (schema.kind() == PgqSchema.Kind.NONE && !installSchema) {
                throw new IllegalStateException("pgq:" + queueName + ": database " + c.getCatalog()
                        + " has no pgq schema; install sql/pgq/install.sql or set installSchema=true");
            }
            if (installSchema && schema.kind() != PgqSchema.Kind.SKYTOOLS) {
                SchemaInstaller.installPgq(c);
            }
            if (subconsumer != null && !hasSchema(c, "pgq_coop")) {
                if (!installSchema) {
                    throw new IllegalStateException("pgq:" + queueName + ": subconsumer needs pgq_coop in database "
                            + c.getCatalog() + "; install sql/pgq_coop/install.sql or set installSchema=true");
                }
                SchemaInstaller.installPgqCoop(c);
            }
        }
        if (targetDataSource != null) {
            // the target keeps the record of applied batches; ours is installed where none is
            try (Connection t = targetDataSource.target().getConnection()) {
                if (!hasSchema(t, "pgq_ext") || installSchema) {
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
        if (ownedPool instanceof HikariDataSource h) {
            h.close();
            ownedPool = null;
            dataSource = null;
        }
        super.doStop();
    }

    public String getQueueName() {
        return queueName;
    }

    public DataSource getDataSource() {
        return dataSource;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public String getJdbcUrl() {
        return jdbcUrl;
    }

    public void setJdbcUrl(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public boolean isInstallSchema() {
        return installSchema;
    }

    public void setInstallSchema(boolean installSchema) {
        this.installSchema = installSchema;
    }

    public String getConsumerName() {
        return consumerName;
    }

    public void setConsumerName(String consumerName) {
        this.consumerName = consumerName;
    }

    public String getSubconsumer() {
        return subconsumer;
    }

    public void setSubconsumer(String subconsumer) {
        this.subconsumer = subconsumer;
    }

    public Duration getDeadInterval() {
        return deadInterval;
    }

    public void setDeadInterval(Duration deadInterval) {
        this.deadInterval = deadInterval;
    }

    public PgqTargetDataSource getTargetDataSource() {
        return targetDataSource;
    }

    public void setTargetDataSource(PgqTargetDataSource targetDataSource) {
        this.targetDataSource = targetDataSource;
    }

    public boolean isRegisterConsumer() {
        return registerConsumer;
    }

    public void setRegisterConsumer(boolean registerConsumer) {
        this.registerConsumer = registerConsumer;
    }

    public Long getStartTick() {
        return startTick;
    }

    public void setStartTick(Long startTick) {
        this.startTick = startTick;
    }

    public Duration getMinLag() {
        return minLag;
    }

    public void setMinLag(Duration minLag) {
        this.minLag = minLag;
    }

    public Integer getMinCount() {
        return minCount;
    }

    public void setMinCount(Integer minCount) {
        this.minCount = minCount;
    }

    public Duration getMinInterval() {
        return minInterval;
    }

    public void setMinInterval(Duration minInterval) {
        this.minInterval = minInterval;
    }

    public boolean isBatchMode() {
        return batchMode;
    }

    public void setBatchMode(boolean batchMode) {
        this.batchMode = batchMode;
    }

    public int getMaxEventsPerExchange() {
        return maxEventsPerExchange;
    }

    public void setMaxEventsPerExchange(int maxEventsPerExchange) {
        this.maxEventsPerExchange = maxEventsPerExchange;
    }

    public int getFetchSize() {
        return fetchSize;
    }

    public void setFetchSize(int fetchSize) {
        this.fetchSize = fetchSize;
    }

    public Duration getRetryDelay() {
        return retryDelay;
    }

    public void setRetryDelay(Duration retryDelay) {
        this.retryDelay = retryDelay;
    }

    public int getMaxRetries() {
        return maxRetries;
    }

    public void setMaxRetries(int maxRetries) {
        this.maxRetries = maxRetries;
    }

    public String getDeadLetterUri() {
        return deadLetterUri;
    }

    public void setDeadLetterUri(String deadLetterUri) {
        this.deadLetterUri = deadLetterUri;
    }

    public boolean isListen() {
        return listen;
    }

    public void setListen(boolean listen) {
        this.listen = listen;
    }

    public Duration getIdleWait() {
        return idleWait;
    }

    public void setIdleWait(Duration idleWait) {
        this.idleWait = idleWait;
    }

    public Duration getHealthMaxLag() {
        return healthMaxLag;
    }

    public void setHealthMaxLag(Duration healthMaxLag) {
        this.healthMaxLag = healthMaxLag;
    }

    public Duration getHealthMaxTickerLag() {
        return healthMaxTickerLag;
    }

    public void setHealthMaxTickerLag(Duration healthMaxTickerLag) {
        this.healthMaxTickerLag = healthMaxTickerLag;
    }

    public PgqOperation getOperation() {
        return operation;
    }

    public void setOperation(PgqOperation operation) {
        this.operation = operation;
    }

    public String getEventType() {
        return eventType;
    }

    public void setEventType(String eventType) {
        this.eventType = eventType;
    }

    public int getCopyThreshold() {
        return copyThreshold;
    }

    public void setCopyThreshold(int copyThreshold) {
        this.copyThreshold = copyThreshold;
    }

    public boolean isForce() {
        return force;
    }

    public void setForce(boolean force) {
        this.force = force;
    }
}
