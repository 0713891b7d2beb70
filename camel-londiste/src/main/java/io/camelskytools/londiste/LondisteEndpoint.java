package io.camelskytools.londiste;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.ScheduledPollEndpoint;

/**
 * A node's Londiste worker: each poll applies one batch of the provider's queue on the node
 * (and copies new tables beside it); every applied batch is sent on as an exchange, so the
 * route can log, count or forward what happened.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "londiste", title = "Londiste", syntax = "londiste:kind",
             consumerOnly = true, category = {Category.DATABASE}, headersClass = LondisteConstants.class)
public class LondisteEndpoint extends ScheduledPollEndpoint {

    @UriPath(description = "What the endpoint runs: worker.")
    @Metadata(required = true)
    private final String kind;

    @UriParam
    private final LondisteConfiguration configuration;

    public LondisteEndpoint(String uri, LondisteComponent component, String kind, LondisteConfiguration configuration) {
        super(uri, component);
        this.kind = kind;
        this.configuration = configuration;
        // the consumer waits for the provider's ticks inside poll(); the scheduler only starts it again
        setDelay(10);
        setInitialDelay(0);
        setGreedy(true);
    }

    public String getKind() {
        return kind;
    }

    public LondisteConfiguration getConfiguration() {
        return configuration;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("londiste:" + kind + " only consumes");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        LondisteConsumer consumer = new LondisteConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }
}
