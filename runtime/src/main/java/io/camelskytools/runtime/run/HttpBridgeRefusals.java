package io.camelskytools.runtime.run;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the HTTP bridge's server refuses before a request reaches the route (a body over
 * skytools.http.max-body-size: 413) answered in the bridge's JSON, {@code {"error": reason}},
 * instead of Vert.x's plain text and its ERROR "Unhandled exception in router" line.
 */
final class HttpBridgeRefusals extends MainListenerSupport {

    private static final Logger LOG = LoggerFactory.getLogger(HttpBridgeRefusals.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port;
    private final long maxBodyBytes;

    HttpBridgeRefusals(int port, long maxBodyBytes) {
        this.port = port;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(main.getCamelContext(),
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            throw new IllegalStateException("no HTTP server on port " + port + " for the HTTP bridge");
        }
        router.route().failureHandler(this::answer);
    }

    private void answer(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            // answered already (a 413 whose client went on sending): nothing more to say
            return;
        }
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        String reason;
        if (status == 413) {
            reason = "body larger than " + maxBodyBytes + " bytes (skytools.http.max-body-size); nothing was inserted";
        } else if (ctx.failure() != null) {
            LOG.warn("http bridge: {} {} failed: {}", ctx.request().method(), ctx.request().path(), ctx.failure().toString());
            reason = "request failed; nothing was inserted";
        } else {
            reason = "request refused (HTTP " + status + "); nothing was inserted";
        }
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("error", reason));
        } catch (JsonProcessingException e) {
            body = "{\"error\": \"request refused\"}";
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json");
        if (status == 413) {
            // the body was not read to its end: close the connection rather than read the rest
            ctx.response().putHeader("Connection", "close");
        }
        ctx.response().end(body);
    }
}
