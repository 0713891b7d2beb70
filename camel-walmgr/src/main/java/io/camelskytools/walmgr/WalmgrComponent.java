package io.camelskytools.walmgr;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;

/** The walmgr: component: WAL archiving (and later backup, restore, standby) as Camel endpoints. */
@Component("walmgr")
public class WalmgrComponent extends HealthCheckComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        WalmgrCommand command = WalmgrCommand.parse(remaining, uri);
        WalmgrEndpoint endpoint = new WalmgrEndpoint(uri, this, command);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
