package io.camelskytools.pgq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.camelskytools.pgq.cluster.PgLockClusterService;
import org.apache.camel.CamelContext;

/**
 * The advisory-lock cluster services of exclusive consumers, one per queue database: each
 * consumer's lock lives in the database its batches come from. Kept out of the context's
 * services on purpose: {@code master:} endpoints look for the one cluster service there.
 */
final class ConsumerLocks {

    private final Map<DataSource, PgLockClusterService> services = new IdentityHashMap<>();

    /** The service of {@code database}, started on first use. */
    synchronized PgLockClusterService forDatabase(CamelContext camel, DataSource database, String memberId,
            Duration period, Duration validationTimeout, Duration takeoverDelay) throws Exception {
        PgLockClusterService service = services.get(database);
        if (service != null) {
            return service;
        }
        service = new PgLockClusterService().memberId(memberId).period(period).validationTimeout(validationTimeout);
        if (takeoverDelay != null) {
            service.takeoverDelay(takeoverDelay);
        }
        service.setId("pgq-consumers-" + (services.size() + 1));
        if (database instanceof HikariDataSource pool && pool.getJdbcUrl() != null) {
            // sessions of their own, not connections kept from the pool the routes share
            service.jdbcUrl(pool.getJdbcUrl()).credentials(pool.getUsername(), pool.getPassword());
        } else {
            service.dataSource(database);
        }
        service.setCamelContext(camel);
        service.start();
        services.put(database, service);
        return service;
    }

    synchronized void stopAll() {
        List<PgLockClusterService> all = new ArrayList<>(services.values());
        services.clear();
        all.forEach(PgLockClusterService::stop);
    }
}
