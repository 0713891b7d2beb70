package io.camelskytools.pgq;

import java.sql.Connection;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.TransactedPolicy;
import org.apache.camel.support.processor.DelegateSyncProcessor;

/**
 * {@code transacted()} for plain Camel (no Spring, no JTA): the rest of the route runs in one
 * JDBC transaction on a {@link PgqTargetDataSource}. Every step that takes its connection
 * from that bean (pgq: producers with {@code dataSource=#bean}, camel-sql, your own JDBC)
 * joins it, so events are committed together with the route's other database work, or
 * rolled back with it when the exchange fails.
 * <pre>
 * registry.bind("appDb", new PgqTargetDataSource(dataSource));
 * registry.bind("appTx", new PgqTransactionPolicy((PgqTargetDataSource) registry.lookupByName("appDb")));
 * from("direct:order").transacted("appTx")
 *     .to("sql:insert into orders ...?dataSource=#appDb")
 *     .to("pgq:orders?dataSource=#appDb");
 * </pre>
 * A route that is already in such a transaction on this thread (an exactly-once pgq
 * consumer, or an outer transacted route) simply joins it.
 */
public final class PgqTransactionPolicy implements TransactedPolicy {

    private final PgqTargetDataSource dataSource;

    public PgqTransactionPolicy(PgqTargetDataSource dataSource) {
        if (dataSource == null) {
            throw new IllegalArgumentException("PgqTransactionPolicy needs a PgqTargetDataSource");
        }
        this.dataSource = dataSource;
    }

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
        // nothing to prepare
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return new Transacted(processor);
    }

    /** Runs the wrapped part of the route in the transaction; Camel starts and stops the wrapped processor through it. */
    private final class Transacted extends DelegateSyncProcessor {

        Transacted(Processor processor) {
            super(processor);
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            // synchronous on purpose: the transaction belongs to this thread
            try {
                process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            callback.done(true);
            return true;
        }

        @Override
        public void process(Exchange exchange) throws Exception {
            if (dataSource.isBound()) {
                processor.process(exchange);
                return;
            }
            try (Connection tx = dataSource.target().getConnection()) {
                tx.setAutoCommit(false);
                dataSource.bind(tx);
                boolean done = false;
                try {
                    processor.process(exchange);
                    if (exchange.getException() == null && !exchange.isRollbackOnly()) {
                        tx.commit();
                        done = true;
                    }
                } finally {
                    dataSource.unbind();
                    if (!done) {
                        tx.rollback();
                    }
                    tx.setAutoCommit(true);
                }
            }
        }
    }
}
