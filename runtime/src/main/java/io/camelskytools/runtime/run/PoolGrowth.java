package io.camelskytools.runtime.run;

import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.pgq.HeldConnections;
import org.apache.camel.Route;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sizes each database's pool for the consumers that keep its connections while they run (a
 * pgq consumer its poll and its tick listener, a Londiste changes consumer three): a pool is
 * made for what the runtime's routes borrow for a moment (ticker, statistics, producers) and
 * for the configured template routes, which are left out here; the user's consumers, the
 * demo's and the bridges' would otherwise keep what the others need. A route counts once,
 * when it first warms up (its endpoint started, its consumer not yet), however often it is
 * stopped and started, and gives its share back when it is removed; one that does not start
 * with the context is not counted.
 */
final class PoolGrowth extends LifecycleStrategySupport {

    private static final Logger LOG = LoggerFactory.getLogger(PoolGrowth.class);

    private final Map<DataSource, String> beans = new IdentityHashMap<>();
    /** Routes whose connections the pools were sized for (the configured template routes). */
    private final Set<String> plannedRoutes;
    /** What each counted route added to which of our pools. */
    private final Map<String, Map<DataSource, Integer>> counted = new HashMap<>();

    PoolGrowth(Map<String, HikariDataSource> pools, Set<String> plannedRoutes) {
        pools.forEach((bean, pool) -> beans.put(pool, bean));
        this.plannedRoutes = plannedRoutes;
    }

    @Override
    public synchronized void onRoutesAdd(Collection<Route> routes) {
        for (Route route : routes) {
            String id = route.getRouteId();
            // a route that does not start with the context (the demo's, unless it runs) holds nothing
            if (!(route.getConsumer() instanceof HeldConnections consumer) || Boolean.FALSE.equals(route.isAutoStartup())
                || plannedRoutes.contains(id) || counted.containsKey(id)) {
                continue;
            }
            Map<DataSource, Integer> ours = new IdentityHashMap<>();
            consumer.heldConnections().forEach((ds, n) -> {
                if (beans.containsKey(ds)) {
                    ours.merge(ds, n, Integer::sum);
                }
            });
            counted.put(id, ours);
            ours.forEach((ds, n) -> {
                HikariDataSource pool = (HikariDataSource) ds;
                int before = pool.getMaximumPoolSize();
                // one of HikariCP's settings that a running pool takes
                pool.setMaximumPoolSize(before + n);
                LOG.info("pool {}: {} connections (was {}) for route {}, whose consumer keeps {} open", beans.get(ds),
                        before + n, before, id, n);
            });
        }
    }

    @Override
    public synchronized void onRoutesRemove(Collection<Route> routes) {
        for (Route route : routes) {
            Map<DataSource, Integer> ours = counted.remove(route.getRouteId());
            if (ours != null) {
                ours.forEach((ds, n) -> {
                    HikariDataSource pool = (HikariDataSource) ds;
                    pool.setMaximumPoolSize(Math.max(1, pool.getMaximumPoolSize() - n));
                });
            }
        }
    }
}
