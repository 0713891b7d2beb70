package io.camelskytools.runtime.run;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;

/**
 * The routes that must run in one process only: each runs where its own namespace
 * ({@code prefix + routeId}) has its leader, so two runtimes may share the singletons out
 * between them. Every other route runs everywhere.
 */
final class SingletonRoutes implements RoutePolicyFactory {

    private final String prefix;
    private final Set<String> routeIds = new LinkedHashSet<>();

    SingletonRoutes(String prefix) {
        this.prefix = prefix;
    }

    void add(String routeId) {
        routeIds.add(routeId);
    }

    Set<String> routeIds() {
        return Collections.unmodifiableSet(routeIds);
    }

    String namespace(String routeId) {
        return prefix + routeId;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext context, String routeId, NamedNode route) {
        if (!routeIds.contains(routeId)) {
            return null;
        }
        try {
            return ClusteredRoutePolicy.forNamespace(context, namespace(routeId));
        } catch (Exception e) {
            throw new IllegalStateException("cannot put route " + routeId + " under the cluster service: " + e.getMessage(), e);
        }
    }
}
