package io.camelskytools.londiste;

import java.nio.file.Path;
import java.time.Duration;

import io.camelskytools.londiste.config.LondisteConfig;
import io.camelskytools.jdbc.Conninfo;
import io.camelskytools.londiste.worker.WorkerSettings;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Configurer;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/**
 * The options of a {@code londiste:} endpoint: a londiste3 ini file ({@code config}), or the
 * node's database and queue given here. Held by the component and copied per endpoint.
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
}
