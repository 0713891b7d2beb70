package io.camelskytools.londiste.changes;

import static io.camelskytools.londiste.changes.LondisteChangesTest.root;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.camelskytools.londiste.LondisteNodes;
import io.camelskytools.pgq.harness.PgExtension;
import io.camelskytools.pgq.harness.Sql;
import io.camelskytools.pgq.harness.TestDb;
import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.ds.PGSimpleDataSource;

/** The Java and the YAML route the user guide shows, on a real root, as a user would run them. */
class LondisteChangesRoutesTest {

    @RegisterExtension
    static final PgExtension PG = PgExtension.servers(1).withLondiste();

    @Test
    void theJavaExampleSendsEachOrderChangeAsJsonKeyedByTableAndId() throws Exception {
        run(camel -> camel.addRoutes(new OrderChangesRoute()));
    }

    @Test
    void theYamlExampleDoesTheSame() throws Exception {
        run(camel -> PluginHelper.getRoutesLoader(camel).loadRoutes(
                ResourceHelper.resolveMandatoryResource(camel, "classpath:io/camelskytools/londiste/changes/order-changes.yaml")));
    }

    interface Routes {
        void add(CamelContext camel) throws Exception;
    }

    private static void run(Routes routes) throws Exception {
        TestDb db = PG.db();
        try (Sql s = db.open(); LondisteNodes nodes = new LondisteNodes(); CamelContext camel = new DefaultCamelContext()) {
            s.exec("create table public.orders (id int primary key, item text)");
            s.exec("create table public.customers (id int primary key, name text)");
            root(db, s, null, "orders", "customers");
            nodes.ticker(db);
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(db.jdbcUrl());
            camel.getRegistry().bind("node", ds);
            routes.add(camel);
            camel.start();
            s.exec("insert into customers values (1, 'ann')");
            s.exec("insert into orders values (10, 'tea')");
            s.exec("update orders set item = 'green tea' where id = 10");
            ConsumerTemplate out = camel.createConsumerTemplate();
            List<String> seen = new ArrayList<>();
            ObjectMapper json = new ObjectMapper();
            for (int i = 0; i < 2; i++) {
                Exchange e = out.receive("seda:order-changes", 30_000);
                assertThat(e).as("change %d of the orders table", i + 1).isNotNull();
                JsonNode doc = json.readTree(e.getMessage().getBody(String.class));
                seen.add(e.getMessage().getHeader("kafka.KEY") + " " + doc.path("operation").asText() + " "
                         + doc.path("row").path("item").asText());
            }
            assertThat(seen).containsExactly("public.orders:10 INSERT tea", "public.orders:10 UPDATE green tea");
        }
    }
}
