package io.camelskytools.runtime.run;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM as a normal stop: one line naming the signal, then the given
 * stop action (Camel Main's graceful stop); a second signal exits at once. Replaces Camel's JVM shutdown hook, which cannot
 * tell the signals apart and reports every stop as SIGTERM. {@link #close} puts the previous
 * handlers back (the command also runs inside tests' JVMs).
 */
public final class StopSignals implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);
    /** 128 + SIGINT, as shells report a process a signal ended. */
    private static final int EXIT_ON_SECOND_SIGNAL = 130;

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile Runnable stop;

    public StopSignals() {
        install("INT", "Ctrl-C (SIGINT)");
        install("TERM", "SIGTERM");
    }

    /** What a signal does from now on; a signal that came before runs it at once. */
    public void onStop(Runnable action) {
        stop = action;
        if (requested.get()) {
            action.run();
        }
    }

    /** Whether a stop signal has come. */
    public boolean requested() {
        return requested.get();
    }

    private void install(String name, String described) {
        Signal signal = new Signal(name);
        previous.put(signal, Signal.handle(signal, s -> {
            if (requested.compareAndSet(false, true)) {
                LOG.info("stopping on {}: consumers finish the batch in hand first", described);
                Runnable action = stop;
                if (action != null) {
                    action.run();
                }
            } else {
                // the way out of a stop (or a start-up) that hangs: the batch in hand stays open and comes again
                LOG.warn("{} again: exiting now, without waiting for the batch in hand (it is delivered again at the"
                         + " next start)", described);
                Runtime.getRuntime().exit(EXIT_ON_SECOND_SIGNAL);
            }
        }));
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
