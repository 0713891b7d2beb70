package io.camelskytools.runtime.run;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.Locale;

import io.camelskytools.runtime.config.DatabaseConfig;
import io.camelskytools.runtime.config.SkytoolsConfig;
import org.apache.camel.main.Main;

/**
 * With exactly one database, {@code pgq:} endpoints that name no dataSource use it, so a
 * single-database setup writes {@code pgq:orders}. Said explicitly rather than left to Camel's
 * autowiring, which gives up as soon as a second DataSource bean appears. With several
 * databases every endpoint names its own, unless the user set camel.component.pgq.dataSource.
 */
final class DefaultDataSource {

    private static final String KEY = "camel.component.pgq.dataSource";

    private DefaultDataSource() {
    }

    static void configure(Main main, SkytoolsConfig config, Collection<DatabaseConfig> dbs, PrintWriter out) {
        boolean userSetOne = config.foreignProperties().keySet().stream()
                .anyMatch(k -> k.replace("-", "").toLowerCase(Locale.ROOT).equals(KEY.toLowerCase(Locale.ROOT)));
        if (dbs.size() != 1 || userSetOne) {
            return;
        }
        DatabaseConfig only = dbs.iterator().next();
        main.addInitialProperty(KEY, "#" + only.beanName());
        out.println("skytools: pgq: endpoints without dataSource use database " + only.name() + " (the only one)");
    }
}
