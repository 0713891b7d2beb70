package io.camelskytools.routes.templates;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** How an event's ev_data is read into named fields for a statement: {@code urlenc}, {@code json} or {@code none}. */
enum DataFormat {

    /** Skytools' urlencoded rows (pgq.logutriga, londiste's events): what simple_consumer reads. */
    URLENC {
        @Override
        Map<String, String> fields(String data) {
            return UrlEncodedRow.decode(data);
        }
    },
    /** A JSON object: each top-level member a field (nested values as their JSON text). */
    JSON {
        @Override
        Map<String, String> fields(String data) {
            Map<String, String> out = new LinkedHashMap<>();
            if (data == null || data.isEmpty()) {
                return out;
            }
            JsonNode node;
            try {
                node = MAPPER.readTree(data);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("ev_data is not JSON: " + e.getOriginalMessage());
            }
            if (!node.isObject()) {
                throw new IllegalArgumentException("ev_data is JSON but not an object: " + abbreviate(data));
            }
            node.properties().forEach(f -> out.put(f.getKey(), f.getValue().isNull() ? null
                    : f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString()));
            return out;
        }
    },
    /** ev_data is not read: only the pgq.ev_* fields. */
    NONE {
        @Override
        Map<String, String> fields(String data) {
            return new LinkedHashMap<>();
        }
    };

    private static final ObjectMapper MAPPER = new ObjectMapper();

    abstract Map<String, String> fields(String data);

    static DataFormat of(String param, String value) {
        for (DataFormat f : values()) {
            if (f.name().equalsIgnoreCase(value)) {
                return f;
            }
        }
        throw new IllegalArgumentException(param + " must be urlenc, json or none, not '" + value + "'");
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
