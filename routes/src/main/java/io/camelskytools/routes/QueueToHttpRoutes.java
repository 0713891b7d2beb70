package io.camelskytools.routes;

import java.time.Duration;

import io.camelskytools.pgq.PgqConstants;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * queue -> HTTP webhook: each event is POSTed (ev_data as the body) to a URL. A failed call
 * (connection refused, timeout, any non-2xx answer) puts the event back through pgq's retry
 * queue, to come again after retryDelay, up to maxRetries times; then it goes to
 * deadLetterUri, or its batch stays open when there is none. Headers sent: X-Pgq-Event-Id,
 * X-Pgq-Event-Type, X-Pgq-Retry, X-Pgq-Queue, so the receiver can recognise a repeat.
 */
public class QueueToHttpRoutes extends RouteBuilder {

    private final String dataSourceBean;
    private final String queue;
    private final String consumerName;
    private final String url;
    private Duration retryDelay = Duration.ofSeconds(30);
    private int maxRetries = 10;
    private String deadLetterUri;
    private Duration timeout = Duration.ofSeconds(10);

    public QueueToHttpRoutes(String dataSourceBean, String queue, String consumerName, String url) {
        this.dataSourceBean = BridgeNames.check("data source bean", dataSourceBean);
        this.queue = BridgeNames.check("queue", queue);
        this.consumerName = BridgeNames.check("consumer", consumerName);
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new IllegalArgumentException("webhook URL must start with http:// or https://, not " + url);
        }
        this.url = url;
    }

    public QueueToHttpRoutes retryDelay(Duration d) {
        this.retryDelay = d;
        return this;
    }

    public QueueToHttpRoutes maxRetries(int n) {
        this.maxRetries = n;
        return this;
    }

    public QueueToHttpRoutes deadLetterUri(String uri) {
        this.deadLetterUri = uri;
        return this;
    }

    public QueueToHttpRoutes timeout(Duration d) {
        this.timeout = d;
        return this;
    }

    @Override
    public void configure() {
        // the consumer logs each retry; Camel's own error handler would only repeat it
        errorHandler(noErrorHandler());
        String from = "pgq:" + queue + "?dataSource=#" + dataSourceBean + "&consumerName=" + consumerName
                      + "&maxRetries=" + maxRetries + "&retryDelay=" + retryDelay.toMillis() + "ms"
                      + (deadLetterUri == null ? "" : "&deadLetterUri=" + deadLetterUri);
        long ms = timeout.toMillis();
        // retries are pgq's job (delayed, counted, visible); the HTTP client must not repeat calls itself
        String configurer = "pgq-webhook-http-" + queue + "-" + consumerName;
        getContext().getRegistry().bind(configurer,
                (org.apache.camel.component.http.HttpClientConfigurer) b -> b.disableAutomaticRetries());
        from(from).routeId("pgq-to-http-" + queue + "-" + consumerName)
                .setHeader("X-Pgq-Event-Id", header(PgqConstants.EVENT_ID))
                .setHeader("X-Pgq-Event-Type", header(PgqConstants.EVENT_TYPE))
                .setHeader("X-Pgq-Retry", header(PgqConstants.RETRY))
                .setHeader("X-Pgq-Queue", header(PgqConstants.QUEUE))
                .setHeader(Exchange.HTTP_METHOD, constant("POST"))
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                // only our headers go out, not every Camel header of the exchange
                .removeHeaders("Camel*", Exchange.HTTP_METHOD, Exchange.CONTENT_TYPE)
                .to(url + (url.contains("?") ? "&" : "?") + "throwExceptionOnFailure=true&httpClientConfigurer=#" + configurer
                    + "&connectTimeout=" + ms
                    + "&connectionRequestTimeout=" + ms + "&responseTimeout=" + ms);
    }
}
