package io.camelskytools.pgq;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import io.camelskytools.pgq.cluster.PgLockClusterService;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;
import org.apache.camel.util.ObjectHelper;

/** The pgq: component: PgQ queues as Camel endpoints. */
@Component("pgq")
public class PgqComponent extends HealthCheckComponent {

    @Metadata(description = "Options every pgq: endpoint starts from; an endpoint's URI options override them.")
    private PgqConfiguration configuration = new PgqConfiguration();
    @Metadata(label = "consumer",
              description = "This process's id among the copies of the application: the member id of exclusive consumers"
                            + " (seen in pg_stat_activity as 'skytools-cluster <id>') and the subconsumer name of coop"
                            + " consumers. Default: hostname-pid.")
    private String instanceId = PgLockClusterService.defaultMemberId();
    @Metadata(label = "consumer,advanced", defaultValue = "1s", javaType = "java.time.Duration",
              description = "Exclusive consumers: how often a standby tries for the lock, and the leader checks its session.")
    private Duration clusterPeriod = Duration.ofSeconds(1);
    @Metadata(label = "consumer,advanced", defaultValue = "1s", javaType = "java.time.Duration",
              description = "Exclusive consumers: a lock session that does not answer within this is taken as lost.")
    private Duration clusterValidationTimeout = Duration.ofSeconds(1);
    @Metadata(label = "consumer,advanced", javaType = "java.time.Duration",
              description = "Exclusive consumers: how long a new holder of the lock waits before it takes batches, so"
                            + " that the previous leader has stopped. Default: clusterPeriod + clusterValidationTimeout + 1s.")
    private Duration clusterTakeoverDelay;

    private final ConsumerLocks locks = new ConsumerLocks();
    private final List<PgqConsumer> exclusiveConsumers = new CopyOnWriteArrayList<>();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (ObjectHelper.isEmpty(remaining)) {
            throw new IllegalArgumentException("pgq: endpoint " + uri + " names no queue; use pgq:queueName");
        }
        PgqEndpoint endpoint = new PgqEndpoint(uri, this, remaining, configuration.copy());
        // a jdbcUrl of the endpoint's own wins over the component's DataSource, autowired ones included
        endpoint.ownPool(parameters.containsKey("jdbcUrl") && !parameters.containsKey("dataSource"));
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** The advisory-lock service of exclusive consumers on {@code database} (started on first use). */
    PgLockClusterService lockService(DataSource database) throws Exception {
        return locks.forDatabase(getCamelContext(), database, instanceId, clusterPeriod, clusterValidationTimeout,
                clusterTakeoverDelay);
    }

    void exclusiveStarted(PgqConsumer consumer) {
        exclusiveConsumers.add(consumer);
    }

    void exclusiveStopped(PgqConsumer consumer) {
        exclusiveConsumers.remove(consumer);
    }

    /** The exclusive consumers running now: their namespaces, where their locks are, and whether they lead. */
    public List<ExclusiveConsumer> exclusiveConsumers() {
        return exclusiveConsumers.stream().map(PgqConsumer::exclusiveState).filter(java.util.Objects::nonNull).toList();
    }

    @Override
    protected void doStop() throws Exception {
        locks.stopAll();
        super.doStop();
    }

    public PgqConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(PgqConfiguration configuration) {
        this.configuration = configuration;
    }

    /** The DataSource of every endpoint that names no dataSource or jdbcUrl of its own. */
    public DataSource getDataSource() {
        return configuration.getDataSource();
    }

    public void setDataSource(DataSource dataSource) {
        configuration.setDataSource(dataSource);
    }

    public String getInstanceId() {
        return instanceId;
    }

    public void setInstanceId(String instanceId) {
        this.instanceId = instanceId;
    }

    public Duration getClusterPeriod() {
        return clusterPeriod;
    }

    public void setClusterPeriod(Duration clusterPeriod) {
        this.clusterPeriod = clusterPeriod;
    }

    public Duration getClusterValidationTimeout() {
        return clusterValidationTimeout;
    }

    public void setClusterValidationTimeout(Duration clusterValidationTimeout) {
        this.clusterValidationTimeout = clusterValidationTimeout;
    }

    public Duration getClusterTakeoverDelay() {
        return clusterTakeoverDelay;
    }

    public void setClusterTakeoverDelay(Duration clusterTakeoverDelay) {
        this.clusterTakeoverDelay = clusterTakeoverDelay;
    }
}
