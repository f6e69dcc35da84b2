package net.secureconnect.runtime.dynamodb;

import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Transactions of concurrent callers written together. While one {@code TransactWriteItems} is on its way, the
 * transactions that arrive wait and then go as one (up to DynamoDB's 100 items and a byte budget): a request
 * costs most of a small transaction's time, and one request for many costs little more than one for one. At
 * low load a batch holds one transaction and leaves at once.
 *
 * <p>Each caller's items keep their own conditions and stay all-or-nothing: a combined transaction either
 * writes every caller's items or none. When it is cancelled, the callers whose items caused it are written
 * again alone and the others together, so {@link #transact} returns or throws exactly what a
 * {@code TransactWriteItems} of the caller's items alone would have.
 */
public final class GroupCommit {

    /** DynamoDB's limit on the items of one TransactWriteItems. */
    public static final int MAX_ITEMS = 100;
    /** Below DynamoDB's 4 MB per transaction, with room for attribute names and framing. */
    public static final long MAX_BYTES = 3L << 20;

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    private record Request(List<TransactWriteItem> items, long bytes, CompletableFuture<Void> done) {
    }

    private final DynamoDbClient dynamo;
    private final LinkedBlockingQueue<Request> pending = new LinkedBlockingQueue<>();
    private final Thread committer;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong grouped = new AtomicLong();

    /** Starts the committer thread, named {@code name}. */
    public GroupCommit(String name, DynamoDbClient dynamo) {
        this.dynamo = dynamo;
        this.committer = new Thread(this::run, name);
        committer.setDaemon(true);
        committer.start();
    }

    /**
     * Writes {@code items} in one transaction, shared with other callers' at the same moment.
     *
     * @param bytes an estimate of the items' size, for the byte budget
     * @throws RuntimeException what {@code TransactWriteItems} of these items alone throws (for example a
     *                          {@code TransactionCanceledException} whose reasons match {@code items})
     */
    public void transact(List<TransactWriteItem> items, long bytes) {
        if (items.size() > MAX_ITEMS) {
            throw new IllegalArgumentException(items.size() + " items in one transaction; at most " + MAX_ITEMS);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        pending.add(new Request(List.copyOf(items), bytes, done));
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a transaction", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** {@code TransactWriteItems} requests made so far (fewer than transactions when they were grouped). */
    public long requests() {
        return requests.get();
    }

    /** Transactions written as part of a batch of several so far. */
    public long grouped() {
        return grouped.get();
    }

    /** Stops the committer; callers still waiting get an exception (nothing of theirs was written by it). */
    public void stop() {
        committer.interrupt();
    }

    private void run() {
        Deque<Request> carried = new ArrayDeque<>();
        while (true) {
            List<Request> batch;
            try {
                batch = next(carried);
            } catch (InterruptedException e) {
                failAll(carried);
                failAll(new ArrayList<>(pending));
                return;
            }
            List<Request> again = commit(batch);
            for (int i = again.size() - 1; i >= 0; i--) {
                carried.addFirst(again.get(i));
            }
        }
    }

    /** The next batch: oldest first, within the item and byte budgets; what does not fit waits for the next. */
    private List<Request> next(Deque<Request> carried) throws InterruptedException {
        if (carried.isEmpty()) {
            carried.add(pending.take());
        }
        pending.drainTo(carried);
        List<Request> batch = new ArrayList<>();
        Deque<Request> later = new ArrayDeque<>();
        int items = 0;
        long bytes = 0;
        for (Request request : carried) {
            boolean fits = batch.isEmpty() || (items + request.items().size() <= MAX_ITEMS
                    && bytes + request.bytes() <= MAX_BYTES);
            if (fits) {
                batch.add(request);
                items += request.items().size();
                bytes += request.bytes();
            } else {
                later.add(request);
            }
        }
        carried.clear();
        carried.addAll(later);
        return batch;
    }

    /**
     * Commits a batch; returns the transactions to try again together (those of a cancelled batch whose own
     * items did not cause the cancellation).
     */
    private List<Request> commit(List<Request> batch) {
        if (batch.size() == 1) {
            commitAlone(batch.get(0));
            return List.of();
        }
        List<TransactWriteItem> items = new ArrayList<>();
        batch.forEach(request -> items.addAll(request.items()));
        try {
            requests.incrementAndGet();
            dynamo.transactWriteItems(b -> b.transactItems(items));
            grouped.addAndGet(batch.size());
            batch.forEach(request -> request.done().complete(null));
            return List.of();
        } catch (TransactionCanceledException e) {
            // Nothing of the batch was written. The reasons say whose items failed: those are written alone (so
            // each gets its own exception), the others go together again.
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            if (reasons.size() != items.size()) {
                batch.forEach(this::commitAlone);
                return List.of();
            }
            List<Request> clean = new ArrayList<>(batch.size());
            int at = 0;
            for (Request request : batch) {
                boolean failed = false;
                for (int i = 0; i < request.items().size(); i++) {
                    String code = reasons.get(at + i).code();
                    failed |= code != null && !"None".equals(code);
                }
                at += request.items().size();
                if (failed) {
                    commitAlone(request);
                } else {
                    clean.add(request);
                }
            }
            if (clean.size() == batch.size()) {
                clean.forEach(this::commitAlone); // cancelled for no item's reason: no progress together
                return List.of();
            }
            return clean;
        } catch (RuntimeException e) {
            // Failed as a whole (or, after a timeout, perhaps written: then each caller's own conditions fail on
            // the retry, just as they would on the caller's own retry). Each is written on its own.
            LOG.debugf("a batch of %d transactions failed (%s); writing each on its own", batch.size(),
                    e.getClass().getSimpleName());
            batch.forEach(this::commitAlone);
            return List.of();
        }
    }

    private void commitAlone(Request request) {
        try {
            requests.incrementAndGet();
            dynamo.transactWriteItems(b -> b.transactItems(request.items()));
            request.done().complete(null);
        } catch (RuntimeException e) {
            request.done().completeExceptionally(e);
        }
    }

    private static void failAll(Collection<Request> requests) {
        IllegalStateException stopped = new IllegalStateException("stopping: the transaction was not written");
        requests.forEach(request -> request.done().completeExceptionally(stopped));
    }
}
