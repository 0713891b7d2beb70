package io.camelskytools.londiste;

import javax.sql.DataSource;

import io.camelskytools.pgq.PgqComponent;
import org.apache.camel.Category;
import org.apache.camel.Component;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.ScheduledPollEndpoint;

/**
 * {@code londiste:worker}: a node's Londiste worker; each poll applies one batch of the
 * provider's queue on the node (and copies new tables beside it), every applied batch is sent
 * on as an exchange. {@code londiste:changes}: the row changes of a node's queue, read as a
 * cascaded consumer, sent on one exchange per change (or per group of a batch).
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "londiste", title = "Londiste", syntax = "londiste:kind",
             consumerOnly = true, category = {Category.DATABASE}, headersClass = LondisteConstants.class)
public class LondisteEndpoint extends ScheduledPollEndpoint {

    @UriPath(enums = "worker,changes", description = "What the endpoint runs: worker (applies a node's batches) or"
                                                       + " changes (hands a queue's row changes to the route).")
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

    /** The DataSource of the pgq component, when the context has one with a DataSource. */
    private DataSource pgqComponentDataSource() {
        Component pgq = getCamelContext().hasComponent("pgq");
        return pgq instanceof PgqComponent p ? p.getDataSource() : null;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("londiste:" + kind + " only consumes");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if ("changes".equals(kind)) {
            LondisteChangesConsumer consumer = new LondisteChangesConsumer(this, processor,
                    configuration.resolveChanges(pgqComponentDataSource()));
            configureConsumer(consumer);
            return consumer;
        }
        LondisteConsumer consumer = new LondisteConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }
}
