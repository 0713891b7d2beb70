package io.camelskytools.londiste.apply;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A jsontriga event: {@code ev_type} {@code {"op":"UPDATE","table":["public","t"],"pkey":["id"]}},
 * {@code ev_data} the row as a JSON object (numbers and booleans native, everything else as
 * its text, NULL as null). Read into the same {@link RowChange} a logutriga event gives;
 * {@code TRUNCATE} is op {@code R}.
 */
public final class JsonChange {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonChange() {
    }

    public static RowChange decode(String type, String data) {
        try {
            JsonNode t = JSON.readTree(type);
            String op = t.path("op").asText("");
            if (op.isEmpty()) {
                throw new IllegalArgumentException("jsontriga event without op: " + type);
            }
            List<String> keys = new ArrayList<>();
            for (JsonNode k : t.path("pkey")) {
                keys.add(k.asText());
            }
            Map<String, String> row = new LinkedHashMap<>();
            JsonNode d = data == null || data.isEmpty() ? JSON.createObjectNode() : JSON.readTree(data);
            for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                row.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText());
            }
            char c = op.charAt(0);
            return new RowChange(c == 'T' ? 'R' : c, keys, row);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad jsontriga event: " + e.getOriginalMessage(), e);
        }
    }
}
