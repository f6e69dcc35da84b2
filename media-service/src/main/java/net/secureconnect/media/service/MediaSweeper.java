package net.secureconnect.media.service;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import net.secureconnect.media.config.MediaConfig;
import org.jboss.logging.Logger;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs {@link MediaService#sweep} every {@code secureconnect.media.sweep-interval} on its own thread. */
@ApplicationScoped
public class MediaSweeper {

    private static final Logger LOG = Logger.getLogger(MediaSweeper.class);

    private final MediaService media;
    private final MediaConfig config;
    private ScheduledExecutorService timer;

    public MediaSweeper(MediaService media, MediaConfig config) {
        this.media = media;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "media-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        long interval = config.sweepInterval().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                int finished = media.sweep();
                if (finished > 0) {
                    LOG.infof("sweep removed %d media slots", finished);
                }
            } catch (RuntimeException e) {
                // A scheduled task that throws is never run again: log and keep sweeping.
                LOG.warnf("sweep failed (%s); retrying in %d ms", e.getClass().getSimpleName(), interval);
            }
        }, interval, interval, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
