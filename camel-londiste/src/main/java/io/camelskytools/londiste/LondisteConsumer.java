package io.camelskytools.londiste;

import java.time.Duration;
import java.util.Map;

import io.camelskytools.jdbc.ServerErrors;
import io.camelskytools.londiste.copy.CopyProgress;
import io.camelskytools.londiste.worker.LondisteWorker;
import io.camelskytools.londiste.worker.WorkerSettings;
import io.camelskytools.pgq.client.BatchInfo;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.spi.ShutdownAware;
import org.apache.camel.support.ScheduledPollConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link LondisteWorker} from Camel's scheduler: a poll is one worker step (greedy
 * while there are batches), each applied batch becomes an exchange. A failed step is logged
 * once, recorded on the node, and the next steps wait {@code exceptionSleep}; stopping the
 * route lets the step in hand finish.
 */
public class LondisteConsumer extends ScheduledPollConsumer implements ShutdownAware {

    private static final Logger LOG = LoggerFactory.getLogger(LondisteConsumer.class);

    private volatile LondisteWorker worker;
    private Duration exceptionSleep;
    private Duration idleWait;
    private long quietUntil;
    private String lastError;
    /** A step runs: a graceful stop waits for it (the batch in hand is applied and finished). */
    private volatile boolean stepping;

    public LondisteConsumer(LondisteEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public LondisteEndpoint getEndpoint() {
        return (LondisteEndpoint) super.getEndpoint();
    }

    /** Each table's copy figures (rows, bytes, rate) in this worker; empty before it starts. */
    public Map<String, CopyProgress> copyProgress() {
        LondisteWorker w = worker;
        return w == null ? Map.of() : w.copyProgress();
    }

    @Override
    protected void doStart() throws Exception {
        LondisteConfiguration cf = getEndpoint().getConfiguration();
        LondisteConfiguration.Resolved resolved = cf.resolve();
        WorkerSettings settings = resolved.settings();
        idleWait = settings.loopDelay();
        exceptionSleep = resolved.exceptionSleep();
        worker = new LondisteWorker(settings);
        LOG.info("londiste worker on queue {} started", settings.queue());
        super.doStart();
    }

    @Override
    protected int poll() throws Exception {
        if (System.nanoTime() < quietUntil) {
            return 0;
        }
        int n;
        stepping = true;
        try {
            n = worker.step();
            lastError = null;
        } catch (Exception e) {
            String retry = "retrying in " + exceptionSleep.toMillis() + " ms";
            if (ServerErrors.isUnreachable(e)) {
                LOG.warn("londiste worker: lost a connection ({}); {}", e.getMessage(), retry);
            } else if (!String.valueOf(e.getMessage()).equals(lastError)) {
                LOG.error("londiste worker: {}; {}", e.getMessage(), retry, e);
            }
            lastError = String.valueOf(e.getMessage());
            worker.reset(e);
            quietUntil = System.nanoTime() + exceptionSleep.toNanos();
            return 0;
        } finally {
            stepping = false;
        }
        if (n < 0) {
            // idle: until the provider ticks, at most loop_delay
            worker.awaitTick(idleWait);
            return 0;
        }
        BatchInfo batch = worker.lastBatch();
        Exchange exchange = createExchange(true);
        exchange.getMessage().setHeader(LondisteConstants.QUEUE, worker.settings().queue());
        exchange.getMessage().setHeader(LondisteConstants.NODE, worker.node() == null ? null : worker.node().name());
        exchange.getMessage().setHeader(LondisteConstants.EVENTS, n);
        if (batch != null) {
            exchange.getMessage().setHeader(LondisteConstants.BATCH_ID, batch.batchId());
            exchange.getMessage().setHeader(LondisteConstants.TICK_ID, batch.curTickId());
        }
        exchange.getMessage().setBody(n);
        try {
            getProcessor().process(exchange);
        } finally {
            releaseExchange(exchange, false);
        }
        return 1;
    }

    @Override
    public boolean deferShutdown(ShutdownRunningTask shutdownRunningTask) {
        return false;
    }

    @Override
    public int getPendingExchangesSize() {
        return stepping ? 1 : 0;
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        // nothing buffered: the step in hand is all there is
    }

    /** The worker, for status and tests. */
    public LondisteWorker getWorker() {
        return worker;
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (worker != null) {
            worker.close();
            LOG.info("londiste worker on queue {} stopped", worker.settings().queue());
        }
    }
}
