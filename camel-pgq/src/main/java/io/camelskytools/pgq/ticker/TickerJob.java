package io.camelskytools.pgq.ticker;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.camelskytools.pgq.client.PgqClient;
import org.apache.camel.Exchange;
import org.apache.camel.NoSuchBeanException;
import org.apache.camel.Processor;

/**
 * One of the ticker's jobs (tick, move retry events, maintenance) on one database, as the
 * processor of a timer route: one connection in autocommit per run, the count of what it
 * did as the body. The DataSource bean is looked up on the first run, so a database that is
 * down at start fails that run, not the start.
 */
final class TickerJob implements Processor {

    /** A PgqClient call on a connection in autocommit: how many queues, events or steps it touched. */
    @FunctionalInterface
    interface Call {
        long run(Connection c) throws SQLException;
    }

    static final Call TICK = PgqClient::ticker;
    static final Call RETRY = PgqClient::retryEvents;
    static final Call MAINTENANCE = PgqClient::maintenance;

    private final String dataSourceBean;
    private final Call call;
    private final TickerPace pace;
    private volatile DataSource dataSource;

    TickerJob(String dataSourceBean, Call call) {
        this(dataSourceBean, call, null);
    }

    /** A job whose calls (and what they did) set the ticker's {@code pace}. */
    TickerJob(String dataSourceBean, Call call, TickerPace pace) {
        this.dataSourceBean = dataSourceBean;
        this.call = call;
        this.pace = pace;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        try (Connection c = dataSource(exchange).getConnection()) {
            c.setAutoCommit(true);
            long done = call.run(c);
            if (pace != null) {
                pace.called(System.nanoTime(), done);
            }
            exchange.getMessage().setBody(done);
        } catch (Exception e) {
            if (pace != null) {
                pace.failed(System.nanoTime());
            }
            throw e;
        }
    }

    private DataSource dataSource(Exchange exchange) {
        DataSource ds = dataSource;
        if (ds == null) {
            ds = exchange.getContext().getRegistry().lookupByNameAndType(dataSourceBean, DataSource.class);
            if (ds == null) {
                throw new NoSuchBeanException(dataSourceBean, DataSource.class.getName());
            }
            dataSource = ds;
        }
        return ds;
    }
}
