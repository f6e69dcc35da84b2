package net.secureconnect.relay.service;

import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * Writes that may lag behind the path that asks for them (outbox clears, deletes of acked rows), collected on
 * one thread and written a batch at a time. After the first item of a batch arrives, the thread waits
 * {@code linger} for more: every DynamoDB request costs the relay's CPU far more than an item in it does, and
 * nobody waits for these writes. A batch that fails is handed to {@code fallback} item by item.
 */
final class BackgroundBatches<T> {

    private static final Logger LOG = Logger.getLogger(BackgroundBatches.class);

    private final BlockingQueue<T> pending = new LinkedBlockingQueue<>();
    private final int maxBatch;
    private final long lingerMillis;
    private final Consumer<List<T>> write;
    private final Consumer<T> fallback;
    private final Thread thread;

    BackgroundBatches(String name, int maxBatch, java.time.Duration linger, Consumer<List<T>> write,
                      Consumer<T> fallback) {
        this.maxBatch = maxBatch;
        this.lingerMillis = linger.toMillis();
        this.write = write;
        this.fallback = fallback;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    void add(T item) {
        pending.add(item);
    }

    /** Stops; what is still pending is dropped (every user of this class can live with that, see the callers). */
    void stop() {
        thread.interrupt();
    }

    private void run() {
        List<T> batch = new ArrayList<>(maxBatch);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.add(pending.take());
                if (lingerMillis > 0 && pending.size() < maxBatch - 1) {
                    Thread.sleep(lingerMillis);
                }
            } catch (InterruptedException e) {
                return;
            }
            pending.drainTo(batch, maxBatch - 1);
            try {
                write.accept(batch);
            } catch (RuntimeException batchFailed) {
                LOG.debugf("batch of %d failed (%s); writing one by one", batch.size(),
                        batchFailed.getClass().getSimpleName());
                for (T item : batch) {
                    try {
                        fallback.accept(item);
                    } catch (RuntimeException e) {
                        LOG.debugf("background write failed (%s)", e.getClass().getSimpleName());
                    }
                }
            }
            batch.clear();
        }
    }
}
