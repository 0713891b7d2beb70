package io.camelskytools.routes;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelskytools.pgq.PgqConstants;
import io.camelskytools.pgq.client.NewEvent;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * HTTP -> queue: {@code POST /queues/{queue}/events} with one JSON value, or a JSON array of
 * them (one event each, inserted in one transaction). Each value's JSON text is the event's
 * ev_data; {@code ?type=} (or the X-Event-Type header) is ev_type, {@code ?extra1=..extra4=}
 * the extras. Answers 201 {@code {"queue": ..., "ids": [...]}}; bad JSON, an empty array or
 * an unknown queue answer 4xx with {@code {"error": reason}} and insert nothing, and so does a
 * body that says it is not JSON (415): Content-Type application/json, application/*+json or
 * none at all is read as JSON. (The body size limit is the HTTP server's: see the runtime.)
 */
public class HttpIngestRoutes extends RouteBuilder {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String dataSourceBean;

    public HttpIngestRoutes(String dataSourceBean) {
        this.dataSourceBean = dataSourceBean;
    }

    @Override
    public void configure() {
        onException(BadRequest.class).handled(true)
                .process(e -> reply(e, 400, e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()));
        onException(SQLException.class).handled(true).process(this::databaseError);
        onException(UnsupportedType.class).handled(true)
                .process(e -> reply(e, 415, e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).getMessage()));

        from("platform-http:/queues/{queue}/events?httpMethodRestrict=POST").routeId("http-ingest")
                .process(this::parse)
                .to("pgq:*?dataSource=#" + dataSourceBean + "&copyThreshold=0")
                .process(e -> {
                    List<?> ids = e.getIn().getHeader(PgqConstants.EVENT_IDS, List.class);
                    e.getMessage().removeHeaders("*");
                    e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                    // queue first, then ids: the order docs/bridges.md shows
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("queue", e.getProperty("queue"));
                    answer.put("ids", ids);
                    e.getMessage().setBody(JSON.writeValueAsString(answer));
                });
    }

    private void parse(Exchange e) throws Exception {
        String queue = URLDecoder.decode(e.getIn().getHeader("queue", String.class), StandardCharsets.UTF_8);
        checkContentType(e.getIn().getHeader(Exchange.CONTENT_TYPE, String.class));
        String body = e.getIn().getBody(String.class);
        if (body == null || body.isBlank()) {
            throw new BadRequest("empty body: send a JSON value or an array of them");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException ex) {
            throw new BadRequest("bad JSON: " + ex.getOriginalMessage());
        }
        List<JsonNode> items = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(items::add);
        } else {
            items.add(root);
        }
        if (items.isEmpty()) {
            throw new BadRequest("empty array: nothing to insert");
        }
        String type = e.getIn().getHeader("type", e.getIn().getHeader("X-Event-Type", String.class), String.class);
        List<NewEvent> events = new ArrayList<>(items.size());
        for (JsonNode item : items) {
            events.add(new NewEvent(type, item.isTextual() ? item.textValue() : JSON.writeValueAsString(item),
                    e.getIn().getHeader("extra1", String.class), e.getIn().getHeader("extra2", String.class),
                    e.getIn().getHeader("extra3", String.class), e.getIn().getHeader("extra4", String.class)));
        }
        e.setProperty("queue", queue);
        e.getIn().setHeader(PgqConstants.OVERRIDE_QUEUE, queue);
        e.getIn().setBody(events);
    }

    /** JSON, or no Content-Type at all; a form or any other type is refused before its body is read as JSON. */
    static void checkContentType(String contentType) throws UnsupportedType {
        if (contentType == null || contentType.isBlank()) {
            return;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json")) {
            return;
        }
        if (type.equals("application/x-www-form-urlencoded") || type.equals("multipart/form-data")) {
            throw new UnsupportedType("form bodies are not accepted (Content-Type " + type + "): send the JSON itself"
                                      + " with Content-Type: application/json (curl: -H 'Content-Type: application/json')");
        }
        throw new UnsupportedType("Content-Type " + type + " is not accepted: send JSON with Content-Type: application/json");
    }

    private void databaseError(Exchange e) throws Exception {
        SQLException cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, SQLException.class);
        String msg = cause.getMessage() == null ? "" : cause.getMessage();
        if (msg.contains("No such queue")) {
            reply(e, 404, "no such queue: " + e.getProperty("queue"));
        } else if (msg.contains("Insert into queue disallowed")) {
            reply(e, 409, "queue " + e.getProperty("queue") + " does not accept inserts");
        } else {
            log.warn("http-ingest: insert into {} failed: {}", e.getProperty("queue"), msg);
            reply(e, 503, "database error; nothing was inserted");
        }
    }

    private static void reply(Exchange e, int status, String error) throws JsonProcessingException {
        e.getMessage().removeHeaders("*");
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(JSON.writeValueAsString(Map.of("error", error)));
    }

    /** A body that says it is not JSON (415). */
    static final class UnsupportedType extends Exception {

        private static final long serialVersionUID = 1L;

        UnsupportedType(String message) {
            super(message);
        }
    }

    /** A request the bridge refuses (400). */
    static final class BadRequest extends Exception {

        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }
}
