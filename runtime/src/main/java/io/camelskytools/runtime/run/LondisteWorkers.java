package io.camelskytools.runtime.run;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.camelskytools.londiste.LondisteWorkerRoutes;
import io.camelskytools.londiste.config.LondisteConfig;
import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.runtime.config.SkytoolsConfig;
import io.camelskytools.runtime.status.LondisteStats;
import io.camelskytools.runtime.status.StatusBoard;
import org.apache.camel.main.Main;

/**
 * The Londiste workers {@code skytools run} runs: one per {@code skytools.londiste.NAME.config}
 * (a londiste3 ini file), each a {@code londiste-<job_name>} route.
 */
final class LondisteWorkers {

    static final String PREFIX = "skytools.londiste.";

    private LondisteWorkers() {
    }

    /**
     * Adds the worker routes and, with {@code board}, their status routes (gauges, health, status
     * page); returns the worker routes' ids.
     */
    static List<String> configure(Main main, SkytoolsConfig config, StatusBoard board, PrintWriter out) throws IOException {
        TreeSet<String> names = config.prefixedNames(PREFIX);
        List<String> workers = new ArrayList<>();
        if (names.isEmpty()) {
            return workers;
        }
        LondisteWorkerRoutes routes = new LondisteWorkerRoutes();
        for (String name : names) {
            String file = config.get(PREFIX + name + ".config");
            if (file == null) {
                throw new SkytoolsConfig.ConfigException(PREFIX + name + ".config is not set");
            }
            LondisteConfig cf;
            try {
                cf = LondisteConfig.load(Path.of(file));
            } catch (IOException | IllegalArgumentException e) {
                throw new SkytoolsConfig.ConfigException(PREFIX + name + ".config: " + e.getMessage());
            }
            routes.node(cf);
            workers.add("londiste-" + cf.jobName());
            main.configure().addRoutesBuilder(new LondisteStats(cf,
                    config.duration("skytools.stats.period", Duration.ofSeconds(10)),
                    config.duration("skytools.health.max-londiste-lag", Duration.ofMinutes(3)), board));
            out.println("skytools: londiste worker " + cf.jobName() + " on queue " + cf.queueName() + " ("
                        + Conninfo.mask(cf.db()) + ", route londiste-" + cf.jobName() + ")");
        }
        main.configure().addRoutesBuilder(routes);
        return workers;
    }
}
