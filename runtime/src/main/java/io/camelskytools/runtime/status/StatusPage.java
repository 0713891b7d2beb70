package io.camelskytools.runtime.status;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;

/**
 * The read-only status page on the management server: {@code GET /status} (one HTML file,
 * no outside resources) and {@code GET /status/data.json} (what {@link StatusBoard} holds).
 * Added to the management server's router once Camel has started it, so the server's
 * authentication, when configured, covers the page too.
 */
public final class StatusPage extends MainListenerSupport {

    public static final String PAGE = "/status";
    static final String DATA = "/status/data.json";

    private final StatusBoard board;
    private final int port;
    private final ObjectMapper json = new ObjectMapper();

    public StatusPage(StatusBoard board, int port) {
        this.board = board;
        this.port = port;
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(main.getCamelContext(),
                VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            throw new IllegalStateException("no management HTTP server on port " + port + " for the status page");
        }
        byte[] html = page();
        router.get(PAGE).handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(Buffer.buffer(html)));
        router.get(DATA).handler(ctx -> {
            String body;
            try {
                body = json.writeValueAsString(board.snapshot(System.currentTimeMillis()));
            } catch (JsonProcessingException e) {
                ctx.fail(e);
                return;
            }
            ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(body);
        });
    }

    private static byte[] page() {
        try (InputStream in = StatusPage.class.getResourceAsStream("/status/index.html")) {
            if (in == null) {
                throw new IllegalStateException("status/index.html is missing from the runtime jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
