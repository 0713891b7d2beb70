package io.camelskytools.londiste;

import java.nio.file.Path;
import java.time.Duration;

import javax.sql.DataSource;

import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.changes.ChangeFormat;
import io.camelskytools.londiste.changes.ChangesSettings;
import io.camelskytools.londiste.changes.TableFilter;
import io.camelskytools.londiste.config.LondisteConfig;
import org.postgresql.ds.PGSimpleDataSource;
import io.camelskytools.londiste.worker.WorkerSettings;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Configurer;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of a {@code londiste:} endpoint: a londiste3 ini file ({@code config}), or the
 * node's database and queue given here; the {@code changes} ones only for
 * {@code londiste:changes}. Held by the component and copied per endpoint.
 */
@Configurer
@UriParams
public class LondisteConfiguration implements Cloneable {

    @UriParam(description = "A londiste3 ini file (section [londiste] or [londiste3]); its db, queue_name,"
                            + " job_name, parallel_copies, loop_delay and exception_sleep are used.")
    private String config;

    @UriParam(description = "The node's database as a libpq connection string (without config).")
    private String db;

    @UriParam(description = "The cascade's queue (without config).")
    private String queue;

    @UriParam(defaultValue = "1", description = "How many tables are copied at a time.")
    private int parallelCopies = 1;

    @UriParam(defaultValue = "1000", description = "Events read from the provider per round trip.")
    private int fetchSize = 1000;

    @UriParam(defaultValue = "1s", javaType = "java.time.Duration",
              description = "Longest wait for the provider's next tick when there is nothing to do (without config;"
                            + " the ini file's loop_delay otherwise). A tick announced by the provider ends it early.")
    private Duration loopDelay = Duration.ofSeconds(1);

    @UriParam(defaultValue = "20s", javaType = "java.time.Duration",
              description = "How long to wait after a failed step before trying again.")
    private Duration exceptionSleep = Duration.ofSeconds(20);

    @UriParam(label = "changes", description = "changes: the node's database as a DataSource bean (#name); else db,"
                                              + " the ini file's db, or the pgq component's DataSource.")
    private DataSource dataSource;

    @UriParam(label = "changes", description = "changes: the cascaded consumer's name (registered in pgq and pgq_node"
                                              + " on the node at the first start; its position survives restarts).")
    private String consumer;

    @UriParam(label = "changes", description = "changes: the tables to hand on, a comma list of names or globs"
                                              + " (public.orders, orders, sales.*); all tables when not set.")
    private String tables;

    @UriParam(label = "changes", defaultValue = "map", enums = "map,json",
              description = "changes: the body: the row as a Map (map), or the change as a JSON object with table,"
                            + " operation, key, row, tick, eventId, txid and time (json).")
    private ChangeFormat format = ChangeFormat.map;

    @UriParam(label = "changes", defaultValue = "false",
              description = "changes: one exchange per group of a batch's changes (a List of TableChange, or a JSON"
                            + " array) instead of one per change.")
    private boolean batchMode;

    @UriParam(label = "changes", defaultValue = "1000",
              description = "changes, batchMode: at most this many events per exchange.")
    private int maxRowsPerExchange = 1000;

    public DataSource getDataSource() {
        return dataSource;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public String getConsumer() {
        return consumer;
    }

    public void setConsumer(String consumer) {
        this.consumer = consumer;
    }

    public String getTables() {
        return tables;
    }

    public void setTables(String tables) {
        this.tables = tables;
    }

    public ChangeFormat getFormat() {
        return format;
    }

    public void setFormat(ChangeFormat format) {
        this.format = format;
    }

    public boolean isBatchMode() {
        return batchMode;
    }

    public void setBatchMode(boolean batchMode) {
        this.batchMode = batchMode;
    }

    public int getMaxRowsPerExchange() {
        return maxRowsPerExchange;
    }

    public void setMaxRowsPerExchange(int maxRowsPerExchange) {
        this.maxRowsPerExchange = maxRowsPerExchange;
    }

    public String getConfig() {
        return config;
    }

    public void setConfig(String config) {
        this.config = config;
    }

    public String getDb() {
        return db;
    }

    public void setDb(String db) {
        this.db = db;
    }

    public String getQueue() {
        return queue;
    }

    public void setQueue(String queue) {
        this.queue = queue;
    }

    public int getParallelCopies() {
        return parallelCopies;
    }

    public void setParallelCopies(int parallelCopies) {
        this.parallelCopies = parallelCopies;
    }

    public int getFetchSize() {
        return fetchSize;
    }

    public void setFetchSize(int fetchSize) {
        this.fetchSize = fetchSize;
    }

    public Duration getLoopDelay() {
        return loopDelay;
    }

    public void setLoopDelay(Duration loopDelay) {
        this.loopDelay = loopDelay;
    }

    public Duration getExceptionSleep() {
        return exceptionSleep;
    }

    public void setExceptionSleep(Duration exceptionSleep) {
        this.exceptionSleep = exceptionSleep;
    }

    public LondisteConfiguration copy() {
        try {
            return (LondisteConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /** The worker's settings and how long it waits after a failed step. */
    public record Resolved(WorkerSettings settings, Duration exceptionSleep) {
    }

    /**
     * What the worker runs with: the ini file's settings (and its exception_sleep) when
     * {@code config} is set, else {@code db} and {@code queue}; errors say which option is
     * missing or wrong.
     */
    public Resolved resolve() {
        if (config != null) {
            if (db != null || queue != null) {
                throw new IllegalArgumentException("londiste: give either config or db and queue, not both");
            }
            try {
                LondisteConfig cf = LondisteConfig.load(Path.of(config));
                return new Resolved(cf.workerSettings(), cf.exceptionSleep());
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("londiste: " + e.getMessage(), e);
            }
        }
        if (db == null || queue == null) {
            throw new IllegalArgumentException("londiste: set config (a londiste3 ini file), or db and queue");
        }
        return new Resolved(new WorkerSettings(queue, Conninfo.parse(db).jdbcUrl(), parallelCopies, fetchSize, loopDelay,
                Duration.ofSeconds(300), Duration.ofSeconds(300)), exceptionSleep);
    }

    /**
     * What {@code londiste:changes} runs with. The database is {@code dataSource}, else
     * {@code db}, else the ini file's db, else {@code fallback} (the pgq component's); the
     * queue is {@code queue}, else the ini file's queue_name. Errors name the missing option.
     */
    public ChangesSettings resolveChanges(DataSource fallback) {
        String where = "londiste:changes: ";
        LondisteConfig ini = null;
        if (config != null) {
            try {
                ini = LondisteConfig.load(Path.of(config));
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
        }
        String q = queue != null ? queue : ini != null ? ini.queueName() : null;
        if (q == null || q.isBlank()) {
            throw new IllegalArgumentException(where + "set queue (or config, a londiste3 ini file with queue_name)");
        }
        if (consumer == null || consumer.isBlank()) {
            throw new IllegalArgumentException(where + "set consumer, the name the changes are read as");
        }
        DataSource ds = dataSource;
        if (ds == null) {
            String conninfo = db != null ? db : ini != null ? ini.db() : null;
            ds = conninfo != null ? simpleDataSource(conninfo) : fallback;
        }
        if (ds == null) {
            throw new IllegalArgumentException(where + "no database; set dataSource, db or config, or a DataSource on the"
                                               + " pgq component");
        }
        if (fetchSize < 1) {
            throw new IllegalArgumentException(where + "fetchSize must be at least 1, not " + fetchSize);
        }
        if (maxRowsPerExchange < 1) {
            throw new IllegalArgumentException(where + "maxRowsPerExchange must be at least 1, not " + maxRowsPerExchange);
        }
        // like the worker: an ini file's loop_delay and exception_sleep count over the options
        Duration idle = ini != null ? ini.workerSettings().loopDelay() : loopDelay;
        Duration pause = ini != null ? ini.exceptionSleep() : exceptionSleep;
        return new ChangesSettings(ds, q, consumer, TableFilter.parse(tables), format, batchMode, maxRowsPerExchange,
                fetchSize, idle, pause);
    }

    private static DataSource simpleDataSource(String conninfo) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(Conninfo.parse(conninfo).jdbcUrl());
        return ds;
    }
}
