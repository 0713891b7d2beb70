package io.camelskytools.pgq;

import java.util.List;

import io.camelskytools.pgq.client.BatchInfo;
import io.camelskytools.pgq.client.PgqEvent;
import io.camelskytools.pgq.consumer.DeadLetters;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/** Dead letters sent to a Camel endpoint (deadLetterUri), one exchange per event, with the failure as EXCEPTION_CAUGHT. */
final class EndpointDeadLetters implements DeadLetters {

    private final ProducerTemplate template;
    private final String uri;
    private final EventMessages messages;

    EndpointDeadLetters(ProducerTemplate template, String uri, EventMessages messages) {
        this.template = template;
        this.uri = uri;
        this.messages = messages;
    }

    @Override
    public void send(BatchInfo batch, PgqEvent event, Exception failure) throws Exception {
        Exchange sent = template.send(uri, ex -> {
            messages.fill(ex.getIn(), batch, List.of(event));
            ex.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        });
        if (sent.getException() != null) {
            throw sent.getException();
        }
    }

    @Override
    public String describe() {
        return uri;
    }
}
