package net.secureconnect.wallet.service;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.rest.ProblemException;
import net.secureconnect.wallet.repository.LedgerStore;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Admin corrections of a balance, idempotent by the request's Idempotency-Key: the key is the ledger entry's
 * id, so a retried request cannot apply twice, and the stored body fingerprint tells a retry from a reuse.
 */
@ApplicationScoped
public class AdjustmentService {

    private static final Logger LOG = Logger.getLogger(AdjustmentService.class);
    /** How long the request waits for its announcements; after that the outbox relay takes over. */
    private static final long PUBLISH_WAIT_MILLIS = 5_000;

    private final PostingService posting;
    private final OutboxRelay outbox;
    private final LedgerStore ledger;
    private final AccountLocks locks;

    public AdjustmentService(PostingService posting, OutboxRelay outbox, LedgerStore ledger, AccountLocks locks) {
        this.posting = posting;
        this.outbox = outbox;
        this.ledger = ledger;
        this.locks = locks;
    }

    /** The ledger entry of the adjustment, and whether it was recorded by an earlier request with the same key. */
    public record Adjusted(LedgerEntry entry, boolean replayed) {
    }

    public Adjusted adjust(String accountId, String idempotencyKey, long credits, String reason) {
        Change.Adjustment change = new Change.Adjustment(accountId, idempotencyKey, credits, reason,
                fingerprint(credits, reason));
        CompletableFuture<Void> announced;
        Adjusted adjusted;
        ReentrantLock lock = locks.of(accountId);
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        try {
            PostingService.Result result = posting.post(accountId, List.of(change)).get(0);
            if (result instanceof PostingService.Refused refused) {
                throw new ProblemException(409, refused.code(), "Adjustment refused", refused.detail());
            }
            if (result instanceof PostingService.Duplicate) {
                LedgerEntry earlier = ledger.find(accountId, change.entryId()).orElseThrow();
                if (!change.requestHash().equals(earlier.requestHash())) {
                    throw new ProblemException(422, "IDEMPOTENCY_KEY_REUSED", "Idempotency key reused",
                            "This Idempotency-Key was used for a different request.");
                }
                return new Adjusted(earlier, true);
            }
            LedgerEntry entry = ((PostingService.Posted) result).entry();
            adjusted = new Adjusted(entry, false);
            announced = outbox.publish(accountId, List.of(entry), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            lock.unlock();
        }
        try {
            announced.get(PUBLISH_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // The adjustment is durable; the outbox relay announces it once Kafka answers.
            LOG.warnf("adjustment recorded, announcement pending (%s)", e.getClass().getSimpleName());
        }
        return adjusted;
    }

    static String fingerprint(long credits, String reason) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha256.digest((credits + "\n" + reason).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE ships SHA-256", e);
        }
    }
}
