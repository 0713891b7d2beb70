package io.camelskytools.londiste.apply;

import java.util.Map;

/**
 * A table's handler as table_attrs holds it: {@code handler=name} or
 * {@code handler=name(urlencoded args)}; no handler is the default one, {@code londiste}.
 */
public record HandlerSpec(String name, Map<String, String> args) {

    public static final String DEFAULT = "londiste";

    public static HandlerSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return new HandlerSpec(DEFAULT, Map.of());
        }
        int open = spec.indexOf('(');
        if (open < 0) {
            return new HandlerSpec(spec.strip(), Map.of());
        }
        if (!spec.endsWith(")")) {
            throw new IllegalArgumentException("bad handler \"" + spec + "\": expected name(args)");
        }
        return new HandlerSpec(spec.substring(0, open).strip(), UrlEncoding.decode(spec.substring(open + 1,
                spec.length() - 1)));
    }

    /** The handler of a table from its attributes. */
    public static HandlerSpec ofAttrs(Map<String, String> attrs) {
        return parse(attrs.get("handler"));
    }
}
