package net.secureconnect.wallet.service;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.wallet.config.WalletConfig;
import net.secureconnect.wallet.repository.LedgerStore;
import net.secureconnect.wallet.repository.WalletStore;
import net.secureconnect.wallet.repository.WalletStore.CommitConflict;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Posts changes to one account's wallet: each change becomes a ledger entry in a transaction with the wallet
 * update, runs of changes are coalesced into one transaction, and a change whose entry exists is skipped as a
 * duplicate. Publishing is the caller's business (after this returns, the entries are durable).
 */
@ApplicationScoped
public class PostingService {

    private static final Logger LOG = Logger.getLogger(PostingService.class);
    /** Items per DynamoDB transaction; one is the wallet. */
    static final int MAX_TRANSACTION_ITEMS = 100;

    private final WalletStore store;
    private final LedgerStore ledger;
    private final WalletCache cache;
    private final WalletPolicy policy;
    private final WalletMetrics metrics;
    private final int maxPerTransaction;
    private final long firstBackoffMillis;
    private final long maxBackoffMillis;
    private final Clock clock = Clock.systemUTC();

    public PostingService(WalletStore store, LedgerStore ledger, WalletCache cache, WalletPolicy policy,
                          WalletMetrics metrics, WalletConfig config) {
        this.store = store;
        this.ledger = ledger;
        this.cache = cache;
        this.policy = policy;
        this.metrics = metrics;
        this.maxPerTransaction = Math.max(1, Math.min(config.consumer().maxEventsPerTransaction(),
                MAX_TRANSACTION_ITEMS - 1));
        this.firstBackoffMillis = Math.max(1, config.consumer().retryBackoff().toMillis());
        this.maxBackoffMillis = Math.max(firstBackoffMillis, config.consumer().maxRetryBackoff().toMillis());
    }

    /** What happened to one change. */
    public sealed interface Result permits Posted, Duplicate, Refused {
        Change change();
    }

    public record Posted(Change change, LedgerEntry entry) implements Result {
    }

    public record Duplicate(Change change) implements Result {
    }

    public record Refused(Change change, String code, String detail) implements Result {
    }

    /**
     * Applies {@code changes} of {@code accountId} in order. Returns one result per change. Retries DynamoDB
     * failures with backoff until they succeed: a change is never dropped because a dependency is down.
     *
     * @throws InterruptedException when the thread is interrupted while waiting to retry (shutting down)
     */
    public List<Result> post(String accountId, List<? extends Change> changes) throws InterruptedException {
        List<Result> results = new ArrayList<>(changes.size());
        List<Change> chunk = new ArrayList<>(maxPerTransaction);
        Set<String> seen = new HashSet<>();
        for (Change change : changes) {
            if (!change.accountId().equals(accountId)) {
                throw new IllegalArgumentException("change of another account");
            }
            if (!seen.add(change.entryId())) {
                // The same cause twice in one run: one transaction cannot write one item twice anyway.
                results.add(new Duplicate(change));
                continue;
            }
            chunk.add(change);
            if (chunk.size() == maxPerTransaction) {
                postChunk(accountId, chunk, results);
                chunk = new ArrayList<>(maxPerTransaction);
            }
        }
        if (!chunk.isEmpty()) {
            postChunk(accountId, chunk, results);
        }
        for (Result result : results) {
            count(result);
        }
        return results;
    }

    private void postChunk(String accountId, List<Change> chunk, List<Result> results) throws InterruptedException {
        List<Change> pending = new ArrayList<>(chunk);
        long backoff = firstBackoffMillis;
        while (true) {
            Wallet before;
            try {
                before = cache.get(accountId).orElseGet(() -> store.find(accountId)
                        .orElseGet(() -> Wallet.unopened(accountId, policy.prices())));
            } catch (SdkException e) {
                backoff = waitToRetry("read wallet", e, backoff);
                continue;
            }
            Instant now = clock.instant();
            Wallet current = before;
            List<LedgerEntry> entries = new ArrayList<>(pending.size());
            List<Result> outcomes = new ArrayList<>(pending.size());
            List<Change> resolved;
            try {
                resolved = resolveReleases(accountId, pending);
            } catch (SdkException e) {
                backoff = waitToRetry("read authorization", e, backoff);
                continue;
            }
            for (Change change : resolved) {
                if (change instanceof Change.Opening opening && current.closed()) {
                    if (opening.event().occurredAt().toEpochMilli() <= current.closedAt()) {
                        // The deleted incarnation's AccountCreated (a replay): nothing to open.
                        outcomes.add(new Duplicate(pending.get(outcomes.size())));
                        continue;
                    }
                    change = new Change.Reopening(opening.event());
                }
                if (change instanceof Change.Release release && release.held() == null) {
                    // Its authorization is earlier in this very chunk: what that entry debits is given back.
                    change = release.withHeld(entries.stream()
                            .filter(entry -> entry.entryId().equals(release.authorizationEntryId()))
                            .findFirst().map(PostingService::debitedByAuthorization).orElse(0L));
                }
                WalletPolicy.Outcome outcome = policy.apply(current, change, now);
                Change original = pending.get(outcomes.size());
                if (outcome instanceof WalletPolicy.Applied applied) {
                    entries.add(applied.entry());
                    outcomes.add(new Posted(original, applied.entry()));
                    current = applied.after();
                } else {
                    WalletPolicy.Refused refused = (WalletPolicy.Refused) outcome;
                    outcomes.add(new Refused(original, refused.code(), refused.detail()));
                }
            }
            if (entries.isEmpty()) {
                results.addAll(outcomes);
                return;
            }
            try {
                store.commit(before, current, entries, now);
                cache.put(current);
                results.addAll(outcomes);
                return;
            } catch (CommitConflict conflict) {
                if (conflict.walletChanged()) {
                    cache.invalidate(accountId);
                }
                if (!conflict.duplicateEntryIds().isEmpty()) {
                    List<Change> remaining = new ArrayList<>(pending.size());
                    for (Change change : pending) {
                        if (conflict.duplicateEntryIds().contains(change.entryId())) {
                            results.add(new Duplicate(change));
                        } else {
                            remaining.add(change);
                        }
                    }
                    pending = remaining;
                    if (pending.isEmpty()) {
                        return;
                    }
                } else if (!conflict.walletChanged()) {
                    // Cancelled for another reason (a concurrent transaction on the same item): wait a little.
                    cache.invalidate(accountId);
                    backoff = waitToRetry("commit", conflict, backoff);
                }
            } catch (SdkException e) {
                // Unknown outcome (e.g. a timeout after the write): re-read; a committed entry shows as duplicate.
                cache.invalidate(accountId);
                backoff = waitToRetry("commit", e, backoff);
            }
        }
    }

    /**
     * Each release with what its authorization debited, read from the ledger; left unresolved (null) when the
     * authorization is not stored yet but comes earlier in {@code changes}, which the caller resolves in order.
     */
    private List<Change> resolveReleases(String accountId, List<Change> changes) {
        List<Change> resolved = new ArrayList<>(changes.size());
        Set<String> earlier = new HashSet<>();
        for (Change change : changes) {
            if (change instanceof Change.Release release && !earlier.contains(release.authorizationEntryId())) {
                change = release.withHeld(ledger.find(accountId, release.authorizationEntryId())
                        .map(PostingService::debitedByAuthorization).orElse(0L));
            }
            earlier.add(change.entryId());
            resolved.add(change);
        }
        return resolved;
    }

    /** What an AUTHORIZE entry took from the balance; 0 for anything else (a refusal, a capture). */
    private static long debitedByAuthorization(LedgerEntry entry) {
        boolean authorized = entry.kind() == EntryKind.USAGE && entry.usage() != null
                && entry.usage().mode() == UsageMode.AUTHORIZE;
        return authorized ? -entry.amount() : 0;
    }

    private long waitToRetry(String what, RuntimeException e, long backoff) throws InterruptedException {
        LOG.warnf("wallet %s failed (%s: %s); retrying in %d ms", what, e.getClass().getSimpleName(),
                e.getMessage(), backoff);
        Thread.sleep(backoff);
        return Math.min(backoff * 2, maxBackoffMillis);
    }

    private void count(Result result) {
        if (result instanceof Posted posted) {
            LedgerEntry entry = posted.entry();
            metrics.applied(entry.kind());
            if (entry.kind() == EntryKind.PURCHASE && WalletPolicy.CLOSED_CREDIT.equals(entry.note())) {
                metrics.closedCredit(entry.amount());
            }
            if (entry.kind() == EntryKind.USAGE_REJECTED) {
                metrics.rejected(entry.usage().kind().name());
            } else if (entry.kind() == EntryKind.USAGE && entry.overdraft() > 0) {
                metrics.overdraft(entry.overdraft());
            } else if (entry.kind() == EntryKind.REVOCATION && entry.overdraft() > 0) {
                metrics.revocationShortfall(entry.overdraft());
            }
        } else if (result instanceof Duplicate duplicate) {
            metrics.duplicate(duplicate.change().getClass().getSimpleName());
        }
    }
}
