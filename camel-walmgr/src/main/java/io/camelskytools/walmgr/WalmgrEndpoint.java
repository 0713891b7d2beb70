package io.camelskytools.walmgr;

import java.nio.file.Path;
import java.time.Duration;

import javax.sql.DataSource;

import io.camelskytools.walmgr.stream.ArchiverSettings;
import io.camelskytools.walmgr.stream.WalSource;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * walmgr:archive streams a server's WAL into a local archive directory through a physical
 * replication slot and sends one exchange per completed segment (body: the archived
 * java.io.File), so a route can copy segments on to any endpoint.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "walmgr", title = "walmgr", syntax = "walmgr:command",
             category = {Category.DATABASE}, consumerOnly = true, headersClass = WalmgrConstants.class)
public class WalmgrEndpoint extends DefaultEndpoint {

    @UriPath(description = "What the endpoint does: archive (stream WAL into archiveDirectory).")
    @Metadata(required = true)
    private final WalmgrCommand command;

    @UriParam(label = "common", description = "The server as a DataSource bean (#name): its URL and credentials are"
                                             + " used for the replication connection, the DataSource itself for SQL.")
    private DataSource dataSource;
    @UriParam(label = "common", description = "The server as a JDBC URL (jdbc:postgresql://host:port/db).")
    private String jdbcUrl;
    @UriParam(label = "security", secret = true, description = "Role to connect as; it needs the REPLICATION attribute.")
    private String username;
    @UriParam(label = "security", secret = true, description = "Password of the role.")
    private String password;
    @UriParam(label = "common", description = "The local archive directory; it must exist and be writable. WAL goes to"
                                             + " its wal/ subdirectory.")
    @Metadata(required = true)
    private String archiveDirectory;
    @UriParam(label = "consumer", defaultValue = "walmgr",
              description = "The physical replication slot that keeps WAL on the server while the archiver is away.")
    private String slot = "walmgr";
    @UriParam(label = "consumer", defaultValue = "true", description = "Create the slot when it does not exist.")
    private boolean createSlot = true;
    @UriParam(label = "consumer", defaultValue = "500ms", javaType = "java.time.Duration",
              description = "Received WAL is fsynced and confirmed to the server within this.")
    private Duration flushInterval = Duration.ofMillis(500);
    @UriParam(label = "consumer", defaultValue = "false", description = "Store completed segments gzipped (.gz).")
    private boolean compress;
    @UriParam(label = "consumer,advanced", defaultValue = "5s", javaType = "java.time.Duration",
              description = "Longest wait between reconnect attempts while the server is away.")
    private Duration maxReconnectDelay = Duration.ofSeconds(5);
    @UriParam(label = "consumer", defaultValue = "false",
              description = "Fsync and confirm WAL as soon as the server has nothing more to send, so that the archiver"
                            + " can be a synchronous standby (application_name walmgr in synchronous_standby_names):"
                            + " every commit the primary acknowledges is then durable in the archive.")
    private boolean synchronous;
    @UriParam(label = "consumer,health",
              description = "The health check is DOWN when the archive is more than this many bytes behind the"
                            + " server's flushed WAL. Default: only streaming or not counts.")
    private Long healthMaxLagBytes;

    public WalmgrEndpoint(String uri, WalmgrComponent component, WalmgrCommand command) {
        super(uri, component);
        this.command = command;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("walmgr:" + command + " can only be consumed from");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        WalmgrConsumer consumer = new WalmgrConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** The settings as the archiver takes them; errors name the endpoint and the option. */
    ArchiverSettings archiverSettings() {
        try {
            return new ArchiverSettings(slot, createSlot, flushInterval, compress, maxReconnectDelay, synchronous);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("walmgr:" + command + ": " + e.getMessage(), e);
        }
    }

    Path archivePath() {
        if (archiveDirectory == null || archiveDirectory.isBlank()) {
            throw new IllegalArgumentException("walmgr:" + command + " needs the archiveDirectory option");
        }
        return Path.of(archiveDirectory);
    }

    WalSource walSource() {
        if (jdbcUrl != null) {
            return new WalSource(jdbcUrl, username, password, dataSource);
        }
        if (dataSource != null) {
            return ReplicationUrls.fromDataSource(dataSource, username, password);
        }
        throw new IllegalArgumentException("walmgr:" + command + ": no server; set jdbcUrl or dataSource");
    }

    public WalmgrCommand getCommand() {
        return command;
    }

    public DataSource getDataSource() {
        return dataSource;
    }

    public void setDataSource(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public String getJdbcUrl() {
        return jdbcUrl;
    }

    public void setJdbcUrl(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getArchiveDirectory() {
        return archiveDirectory;
    }

    public void setArchiveDirectory(String archiveDirectory) {
        this.archiveDirectory = archiveDirectory;
    }

    public String getSlot() {
        return slot;
    }

    public void setSlot(String slot) {
        this.slot = slot;
    }

    public boolean isCreateSlot() {
        return createSlot;
    }

    public void setCreateSlot(boolean createSlot) {
        this.createSlot = createSlot;
    }

    public Duration getFlushInterval() {
        return flushInterval;
    }

    public void setFlushInterval(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    public boolean isSynchronous() {
        return synchronous;
    }

    public void setSynchronous(boolean synchronous) {
        this.synchronous = synchronous;
    }

    public boolean isCompress() {
        return compress;
    }

    public void setCompress(boolean compress) {
        this.compress = compress;
    }

    public Duration getMaxReconnectDelay() {
        return maxReconnectDelay;
    }

    public void setMaxReconnectDelay(Duration maxReconnectDelay) {
        this.maxReconnectDelay = maxReconnectDelay;
    }

    public Long getHealthMaxLagBytes() {
        return healthMaxLagBytes;
    }

    public void setHealthMaxLagBytes(Long healthMaxLagBytes) {
        this.healthMaxLagBytes = healthMaxLagBytes;
    }
}
