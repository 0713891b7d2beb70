package io.camelskytools.runtime.run;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.camelskytools.pgq.cluster.PgLockClusterService;
import io.camelskytools.runtime.config.DatabaseConfig;
import io.camelskytools.runtime.config.SkytoolsConfig;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.main.Main;

/**
 * {@code skytools.cluster.*}: the cluster service that keeps the runtime's singletons (ticker,
 * retry, maintenance, WAL archiver, Londiste workers) on one process among those sharing the
 * configuration, and that users' {@code master:} endpoints use. PostgreSQL advisory locks by
 * default, Camel's file lock service on request.
 */
final class ClusterSetup {

    static final String PREFIX = "skytools.cluster.";

    private ClusterSetup() {
    }

    /**
     * This copy's instance id ({@code skytools.instance.id}, else hostname-pid), whether the
     * cluster is on or not: the {@code {{skytools.instance.id}}} placeholder, and the pgq
     * component's member id for exclusive consumers and subconsumer name for coop ones, with
     * the same period, validation timeout and takeover delay as the singletons.
     */
    static String instance(Main main, SkytoolsConfig config, PrintWriter out) {
        String memberId = config.get("skytools.instance.id", PgLockClusterService.defaultMemberId());
        main.addInitialProperty("skytools.instance.id", memberId);
        main.addInitialProperty("camel.component.pgq.instanceId", memberId);
        Duration period = config.duration(PREFIX + "period", Duration.ofSeconds(1));
        Duration validation = config.duration(PREFIX + "validation-timeout", Duration.ofSeconds(1));
        Duration takeover = config.get(PREFIX + "takeover-delay") == null ? period.plus(validation).plusSeconds(1)
                : config.duration(PREFIX + "takeover-delay", null);
        if (takeover.compareTo(period.plus(validation)) <= 0) {
            throw new SkytoolsConfig.ConfigException(PREFIX + "takeover-delay (" + takeover.toMillis() + " ms) must be longer"
                    + " than " + PREFIX + "period + " + PREFIX + "validation-timeout (" + period.plus(validation).toMillis()
                    + " ms)");
        }
        main.addInitialProperty("camel.component.pgq.clusterPeriod", period.toString());
        main.addInitialProperty("camel.component.pgq.clusterValidationTimeout", validation.toString());
        main.addInitialProperty("camel.component.pgq.clusterTakeoverDelay", takeover.toString());
        out.println("skytools: instance " + memberId + ": pgq: consumers are exclusive (one active copy each, elected by"
                    + " advisory locks in their queue's database, takeover after " + takeover.toMillis() + " ms);"
                    + " coop=true consumers use subconsumer " + memberId);
        return memberId;
    }

    /** Binds the service and the singleton route policy; null when clustering is off. */
    static SingletonRoutes configure(Main main, SkytoolsConfig config, Map<String, DatabaseConfig> dbs, String memberId,
            PrintWriter out) {
        if (!config.bool(PREFIX + "enabled", false)) {
            return null;
        }
        String type = config.get(PREFIX + "service", "postgresql");
        CamelClusterService service = switch (type) {
            case "postgresql" -> postgres(config, dbs, memberId, out);
            case "file" -> file(config, memberId, out);
            default -> throw new SkytoolsConfig.ConfigException(PREFIX + "service must be postgresql or file, not '" + type + "'");
        };
        main.bind("skytools-cluster", service);
        SingletonRoutes singletons = new SingletonRoutes(config.get(PREFIX + "namespace-prefix", "skytools:"));
        main.bind("skytools-singletons", singletons);
        return singletons;
    }

    private static CamelClusterService postgres(SkytoolsConfig config, Map<String, DatabaseConfig> dbs, String memberId,
            PrintWriter out) {
        String dbName = config.get(PREFIX + "db", dbs.isEmpty() ? null : dbs.keySet().iterator().next());
        if (dbName == null) {
            throw new SkytoolsConfig.ConfigException(PREFIX + "enabled needs a database for its locks (skytools.db.NAME.url,"
                                                     + " named by " + PREFIX + "db)");
        }
        DatabaseConfig db = dbs.get(dbName);
        if (db == null) {
            throw new SkytoolsConfig.ConfigException(PREFIX + "db names no configured database: " + dbName);
        }
        PgLockClusterService service = new PgLockClusterService().jdbcUrl(db.url()).credentials(db.user(), db.password())
                .period(config.duration(PREFIX + "period", java.time.Duration.ofSeconds(1)))
                .validationTimeout(config.duration(PREFIX + "validation-timeout", java.time.Duration.ofSeconds(1)));
        if (config.get(PREFIX + "takeover-delay") != null) {
            service.takeoverDelay(config.duration(PREFIX + "takeover-delay", null));
        }
        service.memberId(memberId);
        out.println("skytools: cluster member " + service.getMemberId() + ": advisory locks in database " + dbName
                    + " (checked every " + service.getPeriod().toMillis() + " ms; a new leader starts "
                    + service.getTakeoverDelay().toMillis() + " ms after taking a lock)");
        return service;
    }

    private static CamelClusterService file(SkytoolsConfig config, String memberId, PrintWriter out) {
        String root = config.get(PREFIX + "file.root");
        if (root == null) {
            throw new SkytoolsConfig.ConfigException(PREFIX + "file.root is not set (the shared directory of the lock files)");
        }
        FileLockClusterService service = new FileLockClusterService();
        // the file service names its local member after its id
        service.setId(memberId);
        service.setRoot(root);
        service.setAcquireLockInterval(config.duration(PREFIX + "period", java.time.Duration.ofSeconds(1)).toMillis(),
                TimeUnit.MILLISECONDS);
        out.println("skytools: cluster member " + memberId + ": Camel's file lock service in " + root);
        return service;
    }
}
