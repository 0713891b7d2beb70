package io.camelskytools.londiste.handler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

import io.camelskytools.londiste.apply.HandlerSpec;

/**
 * The handlers there are: the built-in ones with londiste3's names and those on the class
 * path through {@link java.util.ServiceLoader}. A name nobody knows is an error that lists
 * the known ones.
 */
public final class Handlers {

    private static final Map<String, HandlerFactory> BUILT_IN = new LinkedHashMap<>();

    static {
        List<HandlerFactory> builtIn = new ArrayList<>(List.of(DefaultHandler.FACTORY, IgnoringHandlers.VTABLE,
                IgnoringHandlers.FAKE_LOCAL, IgnoringHandlers.QTABLE, ApplyFunctionHandler.FACTORY, BulkHandler.FACTORY,
                QueueSplitterHandler.FACTORY, ShardHandler.SHARD, ShardHandler.PART));
        builtIn.addAll(DispatchHandler.factories());
        for (HandlerFactory f : builtIn) {
            BUILT_IN.put(f.name(), f);
        }
    }

    private Handlers() {
    }

    /** Every known handler by name, built-ins first. */
    public static Map<String, HandlerFactory> all() {
        Map<String, HandlerFactory> out = new LinkedHashMap<>(BUILT_IN);
        for (HandlerFactory f : ServiceLoader.load(HandlerFactory.class, Handlers.class.getClassLoader())) {
            out.putIfAbsent(f.name(), f);
        }
        return out;
    }

    /** The handler a table's attributes name (the default when none). */
    public static LondisteHandler create(String table, HandlerSpec spec) {
        HandlerFactory f = all().get(spec.name());
        if (f == null) {
            throw new IllegalArgumentException("unknown handler \"" + spec.name() + "\" for table " + table
                                               + " (known: " + String.join(", ", all().keySet()) + ")");
        }
        return f.create(table, spec.args());
    }

    static void checkArgs(String handler, Map<String, String> args, Set<String> known) {
        Set<String> bad = new HashSet<>(args.keySet());
        bad.removeAll(known);
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("Invalid handler argument: " + new ArrayList<>(bad) + " (handler "
                                               + handler + " takes " + (known.isEmpty() ? "none" : known) + ")");
        }
    }

    static void checkChoice(String handler, Map<String, String> args, String key, String... allowed) {
        String v = args.get(key);
        if (v != null && !List.of(allowed).contains(v)) {
            throw new IllegalArgumentException("Bad argument " + key + " value '" + v + "' for handler " + handler
                                               + " (one of " + List.of(allowed) + ")");
        }
    }
}
