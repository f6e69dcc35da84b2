package net.secureconnect.relay.service;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.relay.config.RelayConfig;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The threads that run sends, drains and acks: the DynamoDB client blocks, the event loop must not. */
@ApplicationScoped
public class Workers {

    private final ExecutorService executor;

    public Workers(RelayConfig config) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "relay-worker-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.executor = Executors.newFixedThreadPool(config.workerThreads(), factory);
    }

    public ExecutorService executor() {
        return executor;
    }

    public void execute(Runnable task) {
        executor.execute(task);
    }

    @PreDestroy
    void stop() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }
}
