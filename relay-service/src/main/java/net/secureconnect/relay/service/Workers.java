package net.secureconnect.relay.service;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.relay.config.RelayConfig;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run sends, drains and acks: the DynamoDB client blocks, the event loop must not. Either a
 * virtual thread per task with at most {@code relay.worker-threads} tasks running at once (the others parked,
 * cheaply, on {@link #running}), or that many platform threads; the bound is the same either way, so under overload
 * the relay makes no more concurrent DynamoDB calls with virtual threads than with platform threads.
 */
@ApplicationScoped
public class Workers {

    private final ExecutorService executor;
    /** Virtual workers only: tasks running at once (null with platform threads, where the pool size bounds them). */
    private final Semaphore running;
    /** Client frames admitted and not run yet: bounded, so a flood is refused rather than held in memory. */
    private final java.util.concurrent.Semaphore admitted;
    private final java.util.concurrent.ScheduledExecutorService timer;

    public Workers(RelayConfig config) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "relay-worker-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.executor = config.virtualWorkers()
                ? Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("relay-worker-", 1).factory())
                : Executors.newFixedThreadPool(config.workerThreads(), factory);
        this.running = config.virtualWorkers() ? new Semaphore(config.workerThreads()) : null;
        this.admitted = new java.util.concurrent.Semaphore(config.workerQueue());
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "relay-answer-timer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Runs a client frame's work unless too many are waiting already; false = refused, nothing queued. */
    public boolean tryExecute(Runnable task) {
        if (!admitted.tryAcquire()) {
            return false;
        }
        try {
            executor.execute(bounded(() -> {
                admitted.release();
                task.run();
            }));
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            admitted.release();
            return false;
        }
    }

    /** Runs a short, non-blocking task after {@code delay}. */
    public void schedule(java.time.Duration delay, Runnable task) {
        timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** For asynchronous continuations ({@code whenCompleteAsync(..., workers.executor())}): same bound. */
    public Executor executor() {
        return this::execute;
    }

    public void execute(Runnable task) {
        executor.execute(bounded(task));
    }

    private Runnable bounded(Runnable task) {
        if (running == null) {
            return task;
        }
        return () -> {
            running.acquireUninterruptibly();
            try {
                task.run();
            } finally {
                running.release();
            }
        };
    }

    @PreDestroy
    void stop() throws InterruptedException {
        timer.shutdownNow();
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
