package io.camelskytools.pgq;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Turns structured bodies (Maps, Lists, records, beans) into JSON event data. Only touched
 * when Jackson is on the classpath.
 */
final class JsonBodies {

    private static final class Holder {
        static final ObjectMapper MAPPER = new ObjectMapper().findAndRegisterModules();
    }

    private JsonBodies() {
    }

    static String toJson(Object body) throws Exception {
        return Holder.MAPPER.writeValueAsString(body);
    }

    /** Bodies that have a natural text form of their own are not JSON-encoded. */
    static boolean structured(Object body) {
        return !(body instanceof CharSequence || body instanceof Number || body instanceof Boolean || body instanceof byte[]
                 || body instanceof java.io.InputStream || body instanceof java.io.Reader || body instanceof Character
                 || body instanceof java.time.temporal.TemporalAccessor || body instanceof Enum<?>);
    }
}
