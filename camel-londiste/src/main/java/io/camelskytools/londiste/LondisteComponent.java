package io.camelskytools.londiste;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code londiste:worker?config=leaf.ini}: a node's Londiste worker as a Camel route;
 * {@code londiste:changes?queue=q&consumer=c&db=...}: a queue's row changes as exchanges.
 */
@Component("londiste")
public class LondisteComponent extends DefaultComponent {

    @Metadata(description = "Defaults for every endpoint; each endpoint works on its own copy.")
    private LondisteConfiguration configuration = new LondisteConfiguration();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (!"worker".equals(remaining) && !"changes".equals(remaining)) {
            throw new IllegalArgumentException("londiste:" + remaining + ": unknown endpoint; there are londiste:worker"
                                               + " (applies a node's batches) and londiste:changes (a queue's row"
                                               + " changes as exchanges)");
        }
        LondisteEndpoint endpoint = new LondisteEndpoint(uri, this, remaining, configuration.copy());
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public LondisteConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(LondisteConfiguration configuration) {
        this.configuration = configuration;
    }
}
