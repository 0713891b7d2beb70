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

    @Metadata(autowired = true, description = "The DataSource of the database that holds the queues, used by every"
                                              + " endpoint that names no dataSource or jdbcUrl of its own.")
    private DataSource dataSource;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (ObjectHelper.isEmpty(remaining)) {
            throw new IllegalArgumentException("pgq: endpoint " + uri + " names no queue; use pgq:queueName");
        }
        PgqEndpoint endpoint = new PgqEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public DataSource getDataSource() {
        return dataSource;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }
}
