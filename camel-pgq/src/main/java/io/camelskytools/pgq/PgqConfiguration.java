package io.camelskytools.pgq;

import java.time.Duration;

import javax.sql.DataSource;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * Every option of a pgq: endpoint. The component holds one (options set once for all
 * endpoints, e.g. {@code camel.component.pgq.retryDelay=5m}); each endpoint gets a copy and
 * sets its URI options on that. {@link #validate} checks a copy in one place, before a
 * consumer or producer is made of it.
 */
@UriParams
public class PgqConfiguration implements Cloneable {

    @UriParam(label = "common", description = "The database: a DataSource bean (#name). Set on the component, it is"
                                             + " the database of every endpoint that names no dataSource or jdbcUrl of its"
                                             + " own; a single DataSource in the registry is taken by itself.")
    @Metadata(autowired = true)
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
    @UriParam(label = "consumer", defaultValue = "true",
              description = "One active consumer per queue and consumerName (per subconsumer in cooperative mode) among"
                            + " all processes: the consumer joins a cluster namespace and takes batches only while it leads"
                            + " it; the others stand by and one takes over when the leader goes. Off: every copy of the"
                            + " route gets the same batches.")
    private boolean exclusive = true;
    @UriParam(label = "consumer,advanced",
              description = "The Camel cluster service an exclusive consumer elects its leader with. Default: advisory"
                            + " locks in the queue's own database (the component's instanceId and cluster* options).")
    private CamelClusterService clusterService;
    @UriParam(label = "consumer", defaultValue = "false",
              description = "Cooperative consumption with this process's instanceId (a component option) as subconsumer"
                            + " name, unless subconsumer is set: N copies of the route split the consumer's batches.")
    private boolean coop;
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

    /** A copy for one endpoint: what the endpoint sets stays its own. */
    public PgqConfiguration copy() {
        try {
            return (PgqConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /** What an endpoint made of this configuration is used for. */
    public enum Use { CONSUMER, PRODUCER }

    /**
     * Checks the options for a consumer or producer of {@code queueName}; the first problem
     * is thrown as an IllegalArgumentException that names the endpoint, the option and its value.
     */
    public void validate(String queueName, Use use) {
        String where = "pgq:" + queueName + ": ";
        if (dataSource == null && (jdbcUrl == null || jdbcUrl.isBlank())) {
            throw new IllegalArgumentException(where + "no database; set dataSource or jdbcUrl on the endpoint, or a"
                                               + " DataSource on the pgq component");
        }
        if (use == Use.PRODUCER) {
            atLeast(where, "copyThreshold", copyThreshold, 0);
            return;
        }
        if (consumerName == null || consumerName.isBlank()) {
            throw new IllegalArgumentException(where + "consuming needs the consumerName option");
        }
        if (subconsumer != null && subconsumer.isBlank()) {
            throw new IllegalArgumentException(where + "subconsumer must not be blank");
        }
        if (coop && subconsumer == null) {
            throw new IllegalArgumentException(where + "coop needs a subconsumer name: set subconsumer, or instanceId on the"
                                               + " pgq component");
        }
        atLeast(where, "fetchSize", fetchSize, 1);
        atLeast(where, "maxEventsPerExchange", maxEventsPerExchange, 1);
        atLeast(where, "maxRetries", maxRetries, 0);
        if (minCount != null) {
            atLeast(where, "minCount", minCount, 1);
        }
        positive(where, "idleWait", idleWait);
        positive(where, "deadInterval", deadInterval);
        notNegative(where, "retryDelay", retryDelay);
        notNegative(where, "minLag", minLag);
        notNegative(where, "minInterval", minInterval);
    }

    private static void atLeast(String where, String option, int value, int least) {
        if (value < least) {
            throw new IllegalArgumentException(where + option + " must be at least " + least + ", not " + value);
        }
    }

    private static void positive(String where, String option, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(where + option + " must be a positive duration, not " + d);
        }
    }

    private static void notNegative(String where, String option, Duration d) {
        if (d != null && d.isNegative()) {
            throw new IllegalArgumentException(where + option + " must not be negative, not " + d);
        }
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

    public boolean isExclusive() {
        return exclusive;
    }

    public void setExclusive(boolean exclusive) {
        this.exclusive = exclusive;
    }

    public CamelClusterService getClusterService() {
        return clusterService;
    }

    public void setClusterService(CamelClusterService clusterService) {
        this.clusterService = clusterService;
    }

    public boolean isCoop() {
        return coop;
    }

    public void setCoop(boolean coop) {
        this.coop = coop;
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
