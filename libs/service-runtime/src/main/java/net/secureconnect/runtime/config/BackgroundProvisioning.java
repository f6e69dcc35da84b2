package net.secureconnect.runtime.config;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs an idempotent provisioning step (create tables, create topics) at startup and, while the
 * dependency is unreachable, again every retry interval until it succeeds. The service starts either
 * way; readiness stays DOWN until the step has succeeded, so a rolling restart never routes traffic to
 * an instance whose storage is not there.
 */
public final class BackgroundProvisioning {

    /** The step's progress as readiness reports it. */
    public enum State { PENDING, DONE, DISABLED }

    private static final Logger LOG = Logger.getLogger(BackgroundProvisioning.class);

    private final String what;
    private final Runnable step;
    private final Duration retryInterval;
    private final AtomicReference<State> state = new AtomicReference<>(State.PENDING);
    private final AtomicReference<String> lastError = new AtomicReference<>("not attempted yet");
    private ScheduledExecutorService executor;

    public BackgroundProvisioning(String what, Runnable step, Duration retryInterval) {
        this.what = what;
        this.step = step;
        this.retryInterval = retryInterval;
    }

    /** First attempt runs on the caller's thread so a healthy start is ready at once. */
    public synchronized void start(boolean enabled) {
        if (!enabled) {
            state.set(State.DISABLED);
            return;
        }
        if (attempt()) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "provisioning-" + what);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            if (attempt()) {
                executor.shutdown();
            }
        }, retryInterval.toMillis(), retryInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    public State state() {
        return state.get();
    }

    public String lastError() {
        return lastError.get();
    }

    private boolean attempt() {
        try {
            step.run();
            state.set(State.DONE);
            LOG.infof("%s provisioned", what);
            return true;
        } catch (RuntimeException e) {
            lastError.set(e.getClass().getSimpleName() + ": " + e.getMessage());
            LOG.warnf("%s not provisioned yet (%s); retrying in %s", what, lastError.get(), retryInterval);
            return false;
        }
    }
}
