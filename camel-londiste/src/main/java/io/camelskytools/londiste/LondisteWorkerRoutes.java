package io.camelskytools.londiste;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.camelskytools.londiste.config.LondisteConfig;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * One route per Londiste node this process runs: {@code londiste:worker} on the node's
 * londiste3 ini file (woken by the provider's ticks, at least every {@code loop_delay}), each
 * applied batch logged at DEBUG.
 * Route ids are {@code londiste-<job_name>}.
 */
public class LondisteWorkerRoutes extends RouteBuilder {

    private final Map<String, LondisteConfig> nodes = new LinkedHashMap<>();

    /** Adds the worker of the node an ini file describes. */
    public LondisteWorkerRoutes node(LondisteConfig config) {
        if (nodes.putIfAbsent(config.jobName(), config) != null) {
            throw new IllegalArgumentException("two Londiste workers with job_name " + config.jobName() + ": "
                                               + nodes.get(config.jobName()).file() + " and " + config.file());
        }
        return this;
    }

    public boolean isEmpty() {
        return nodes.isEmpty();
    }

    @Override
    public void configure() {
        for (LondisteConfig cf : nodes.values()) {
            from("londiste:worker?config=RAW(" + absolute(cf.file()) + ")")
                    .routeId("londiste-" + cf.jobName())
                    .log(LoggingLevel.DEBUG, "londiste." + cf.jobName(),
                            "applied batch ${header." + LondisteConstants.BATCH_ID + "} up to tick ${header."
                            + LondisteConstants.TICK_ID + "}: ${header." + LondisteConstants.EVENTS + "} events");
        }
    }

    private static String absolute(Path p) {
        return p.toAbsolutePath().toString();
    }
}
