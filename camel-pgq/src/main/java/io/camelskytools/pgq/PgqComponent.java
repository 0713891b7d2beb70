package io.camelskytools.pgq;

import java.util.Map;

import javax.sql.DataSource;

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
}
