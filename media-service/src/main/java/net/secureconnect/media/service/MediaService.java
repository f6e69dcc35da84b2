package net.secureconnect.media.service;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.media.config.MediaConfig;
import net.secureconnect.media.messaging.UsagePublisher;
import net.secureconnect.media.messaging.WalletAnswers;
import net.secureconnect.media.model.MediaItem;
import net.secureconnect.media.model.MediaItem.State;
import net.secureconnect.media.repository.MediaStore;
import net.secureconnect.media.repository.UploadKeyStore;
import net.secureconnect.media.storage.ObjectStore;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Upload slots paid for with one FILE_TRANSFER each. The wallet's AUTHORIZE is the hold: it is taken before any
 * URL exists (refused → 402, nothing stored, nothing charged); {@code complete} turns the hold into the charge
 * by keeping it (no further debit, however often it is called); an upload never completed, or cancelled by its
 * owner, gets the hold back through a RELEASE (docs/media.md).
 */
@ApplicationScoped
public class MediaService {

    private static final Logger LOG = Logger.getLogger(MediaService.class);
    static final String SOURCE = "media-service";
    /** S3's limit on the number of parts of one upload. */
    private static final int MAX_PARTS = 10_000;
    /** 144 random bits: unguessable ids are the capability to download. */
    private static final int ID_BYTES = 18;

    private final MediaStore store;
    private final ObjectStore objects;
    private final UsagePublisher usage;
    private final WalletAnswers answers;
    private final UploadKeyStore keys;
    private final UploadRateLimiter limiter;
    private final MediaConfig config;
    private final MeterRegistry metrics;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public MediaService(MediaStore store, ObjectStore objects, UsagePublisher usage, WalletAnswers answers,
                        UploadKeyStore keys, UploadRateLimiter limiter, MediaConfig config, MeterRegistry metrics,
                        Clock clock) {
        this.clock = clock;
        this.store = store;
        this.keys = keys;
        this.limiter = limiter;
        this.objects = objects;
        this.usage = usage;
        this.answers = answers;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * A slot the caller has paid for, with where to PUT the ciphertext: one URL, or one per part.
     *
     * @param replayed the answer to a repeat of an earlier request with the same Idempotency-Key (same slot)
     */
    public record Upload(MediaItem item, URL url, List<Part> parts, Instant urlExpiresAt, boolean replayed) {
    }

    /** One part of a multipart upload: PUT exactly {@code size} bytes to {@code url}, keep the answer's ETag. */
    public record Part(int partNumber, long size, URL url) {
    }

    /**
     * Opens a paid slot, or answers a repeat of an earlier request: with an {@code idempotencyKey} (per account),
     * the same key and size give the same slot and no second hold; the same key with another size is refused.
     * A refused request (402, or 503 before anything was published) leaves no slot and gives the key back.
     */
    public Upload startUpload(String owner, long size, String idempotencyKey) {
        if (size > config.maxSize()) {
            throw MediaProblems.tooLarge(size, config.maxSize());
        }
        String requestKey = idempotencyKey == null ? null : UploadKeyStore.requestKey(owner, idempotencyKey);
        String fingerprint = fingerprint(size);
        for (int attempt = 0; attempt < 3; attempt++) {
            if (requestKey != null) {
                Optional<UploadKeyStore.Use> earlier = keys.find(requestKey);
                if (earlier.isPresent()) {
                    Upload replayed = replay(owner, earlier.get(), fingerprint);
                    if (replayed != null) {
                        return replayed;
                    }
                    continue; // the key's earlier request was refused and its claim given back: a new request
                }
            }
            Upload created = create(owner, size, requestKey, fingerprint);
            if (created != null) {
                return created;
            }
            // A concurrent request with the same key claimed it first: answer as its repeat.
        }
        throw MediaProblems.walletUnavailable(); // the key's requests keep failing under us: let the client retry
    }

    /** A new slot; null when a concurrent request claimed the same key first (this one then left nothing). */
    private Upload create(String owner, long size, String requestKey, String fingerprint) {
        limiter.check(owner);
        Instant now = clock.instant();
        String mediaId = newId();
        String authorization = EventIds.derive("media-authorize", owner, mediaId);
        // Multipart uploads are opened before anything is charged: a store that refuses fails early. Whatever
        // happens after, the slot's row names the upload, so a refusal or the sweep aborts it.
        String uploadId = size > config.multipartThreshold() ? objects.startMultipart(mediaId) : null;
        MediaItem item = new MediaItem(mediaId, owner, size, State.PENDING, authorization, now,
                now.plus(config.uploadWindow()), uploadId, false, requestKey);
        try {
            // Stored before the authorization is published: whatever happens next, the sweep can release it.
            store.create(item);
        } catch (RuntimeException e) {
            if (uploadId != null) {
                objects.abortMultipart(mediaId, uploadId);
            }
            throw e;
        }
        if (requestKey != null && !keys.claim(requestKey, fingerprint, mediaId, now, config.uploadWindow())) {
            discard(item);
            return null;
        }
        authorize(item, true);
        metrics.counter("media_uploads_total", "outcome", "authorized").increment();
        return urls(item, false);
    }

    /**
     * The answer to a repeat of the request that created {@code use}'s slot; null when that request was refused
     * (its slot gone, the key given back here), so the repeat is a new request.
     */
    private Upload replay(String owner, UploadKeyStore.Use use, String fingerprint) {
        if (!MessageDigest.isEqual(use.fingerprint().getBytes(StandardCharsets.UTF_8),
                fingerprint.getBytes(StandardCharsets.UTF_8))) {
            throw MediaProblems.idempotencyKeyReused();
        }
        MediaItem item = store.find(use.mediaId()).orElse(null);
        if (item == null || item.state() == State.REFUSED) {
            if (item != null) {
                cleanUpRefused(item);
            }
            keys.release(use.requestKey(), use.mediaId());
            return null;
        }
        if (!item.ownedBy(owner)) {
            throw MediaProblems.notOwner(); // keys are scoped by account: this cannot happen short of a bug
        }
        switch (item.state()) {
            case PENDING -> {
                if (!item.authorized()) {
                    // The first request got 503: ask again under the same authorization id. The wallet applies
                    // it at most once; if it already did, the late answer was recorded on the row meanwhile.
                    authorize(item, false);
                }
                metrics.counter("media_uploads_total", "outcome", "replayed").increment();
                return urls(item, true);
            }
            case AVAILABLE -> throw MediaProblems.alreadyCompleted(item.mediaId());
            default -> throw MediaProblems.gone();
        }
    }

    /**
     * Takes the hold: publishes the slot's AUTHORIZE and waits for the wallet. Applied → the row says so;
     * refused → 402 and the slot is discarded; no answer → 503, the slot stays PENDING and a late answer is still
     * recorded (applied: a repeat gets the slot; refused: discarded), else the sweep releases it when due.
     *
     * @param fresh nothing was published for this slot before: if the wallet cannot be reached, discard it
     */
    private void authorize(MediaItem item, boolean fresh) {
        String authorization = item.authorization();
        CompletableFuture<WalletAnswers.Answer> answer = answers.expect(authorization);
        boolean waitForLateAnswer = false;
        try {
            if (!fresh && store.find(item.mediaId()).map(MediaItem::authorized).orElse(false)) {
                return; // a late answer arrived between the read and now
            }
            if (!answers.awaitPositioned(config.walletTimeout())) {
                if (fresh) {
                    discard(item);
                }
                metrics.counter("media_uploads_total", "outcome", "wallet_unavailable").increment();
                throw MediaProblems.walletUnavailable();
            }
            waitForLateAnswer = true; // from here on the AUTHORIZE may be on the broker
            usage.publish(authorizationOf(item), config.walletTimeout());
            WalletAnswers.Answer outcome = answer.get(config.walletTimeout().toMillis(), TimeUnit.MILLISECONDS);
            waitForLateAnswer = false;
            if (outcome == WalletAnswers.Answer.REJECTED) {
                refuse(item);
                metrics.counter("media_uploads_total", "outcome", "insufficient_credits").increment();
                throw MediaProblems.insufficientCredits();
            }
            if (!store.markAuthorized(item.mediaId())) {
                // Swept or deleted meanwhile (its hold is being released): no URL for it.
                throw MediaProblems.gone();
            }
        } catch (UsagePublisher.PublishFailedException | TimeoutException | ExecutionException e) {
            LOG.warnf("authorization of media %s unanswered (%s)", item.mediaId(), e.getClass().getSimpleName());
            metrics.counter("media_uploads_total", "outcome", "wallet_unavailable").increment();
            throw MediaProblems.walletUnavailable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MediaProblems.walletUnavailable();
        } finally {
            if (waitForLateAnswer) {
                recordLateAnswer(item, answer);
            } else {
                answers.forget(authorization);
            }
        }
    }

    /**
     * Keeps listening for the wallet's answer after the request gave up (until the upload window ends) and writes
     * it on the row, so a repeat with the same key gets this slot instead of a second hold.
     */
    private void recordLateAnswer(MediaItem item, CompletableFuture<WalletAnswers.Answer> answer) {
        answer.orTimeout(config.uploadWindow().toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((outcome, error) -> {
                    answers.forget(item.authorization());
                    try {
                        if (outcome == WalletAnswers.Answer.APPLIED) {
                            store.markAuthorized(item.mediaId());
                        } else if (outcome == WalletAnswers.Answer.REJECTED) {
                            refuse(item);
                        }
                    } catch (RuntimeException e) {
                        LOG.warnf("late answer for media %s not recorded (%s); the sweep settles the slot",
                                item.mediaId(), e.getClass().getSimpleName());
                    }
                });
    }

    private Upload urls(MediaItem item, boolean replayed) {
        Instant urlExpiresAt = clock.instant().plus(config.uploadUrlTtl());
        long size = item.size();
        if (item.multipart()) {
            List<Part> parts = new ArrayList<>();
            long partSize = Math.max(config.partSize(), (size + MAX_PARTS - 1) / MAX_PARTS);
            for (long offset = 0, number = 1; offset < size; offset += partSize, number++) {
                long length = Math.min(partSize, size - offset);
                parts.add(new Part((int) number, length,
                        objects.partUrl(item.mediaId(), item.uploadId(), (int) number, length, config.uploadUrlTtl())));
            }
            return new Upload(item, null, parts, urlExpiresAt, replayed);
        }
        return new Upload(item, objects.uploadUrl(item.mediaId(), size, config.uploadUrlTtl()), List.of(),
                urlExpiresAt, replayed);
    }

    /** The wallet refused the slot's authorization: nothing was charged, nothing of the slot stays. */
    private void refuse(MediaItem item) {
        if (store.transition(item.mediaId(), State.PENDING, State.REFUSED, clock.instant())) {
            cleanUpRefused(item.in(State.REFUSED, clock.instant()));
        }
    }

    /** Nothing was published for the slot (wallet unreachable, or the key taken): it goes like a refused one. */
    private void discard(MediaItem item) {
        refuse(item);
    }

    /**
     * Aborts the slot's multipart upload, deletes its row and gives its key back. Each step may be repeated:
     * the sweep finishes a cleanup a crash interrupted (REFUSED rows are always due).
     */
    private void cleanUpRefused(MediaItem item) {
        if (item.multipart()) {
            objects.abortMultipart(item.mediaId(), item.uploadId());
        }
        if (item.requestKey() != null) {
            keys.release(item.requestKey(), item.mediaId());
        }
        store.deleteRefused(item.mediaId());
    }

    /**
     * Everything of a deleted account: files and uploads are removed like an owner's DELETE (a pending upload's
     * hold released once, through the same RELEASING state), refused slots and Idempotency-Keys go. Repeatable:
     * a second delivery of AccountDeleted finds nothing left to do.
     */
    public int deleteAccount(String accountId) {
        int removed = 0;
        Instant now = clock.instant();
        for (MediaItem item : store.ownedBy(accountId)) {
            switch (item.state()) {
                case PENDING, AVAILABLE -> removed += remove(item, now) ? 1 : 0;
                case RELEASING, REMOVING -> removed += finishRemoval(item) ? 1 : 0;
                case REFUSED -> cleanUpRefused(item);
                default -> { }
            }
        }
        keys.deleteAccount(accountId);
        metrics.counter("media_accounts_deleted_total").increment();
        return removed;
    }

    /**
     * Marks the upload available once the object is stored with the declared size. Idempotent: a second call
     * answers the same and charges nothing more (the authorization already paid; nothing is released).
     */
    public MediaItem complete(String caller, String mediaId, List<CompletedPart> parts) {
        MediaItem item = owned(caller, mediaId);
        if (item.state() == State.AVAILABLE) {
            return item;
        }
        if (item.state() != State.PENDING) {
            throw MediaProblems.gone();
        }
        if (!item.authorized()) {
            throw MediaProblems.notUploaded(); // no URL was ever issued for a slot not known to be paid
        }
        if (item.multipart() && objects.size(mediaId).isEmpty()) {
            if (parts.isEmpty()) {
                throw MediaProblems.partsRequired();
            }
            if (!objects.completeMultipart(mediaId, item.uploadId(), parts)) {
                throw MediaProblems.notUploaded();
            }
        }
        OptionalLong stored = objects.size(mediaId);
        if (stored.isEmpty()) {
            throw MediaProblems.notUploaded();
        }
        if (stored.getAsLong() != item.size()) {
            throw MediaProblems.sizeMismatch(item.size(), stored.getAsLong());
        }
        Instant due = clock.instant().plus(config.retention());
        if (!store.transition(mediaId, State.PENDING, State.AVAILABLE, due)) {
            // A concurrent complete won (fine), or the sweep did (gone): read what it is now.
            MediaItem now = store.find(mediaId).orElseThrow(MediaProblems::notFound);
            if (now.state() != State.AVAILABLE) {
                throw MediaProblems.gone();
            }
            return now;
        }
        metrics.counter("media_completed_total").increment();
        return item.in(State.AVAILABLE, due);
    }

    /** A short-lived download URL for any authenticated caller who knows the id. */
    public URL downloadUrl(String mediaId) {
        MediaItem item = store.find(mediaId).orElseThrow(MediaProblems::notFound);
        if (item.state() != State.AVAILABLE) {
            throw MediaProblems.notFound();
        }
        return objects.downloadUrl(mediaId, config.downloadUrlTtl());
    }

    /** The owner removes a file early, or cancels an upload (whose hold is then released). */
    public void delete(String caller, String mediaId) {
        remove(owned(caller, mediaId), clock.instant());
        // REFUSED, RELEASING, REMOVING, REMOVED: nothing (more) for the caller to do; deleting twice is fine.
    }

    /**
     * Removes a PENDING or AVAILABLE slot; true if this call claimed it. A {@code complete} may turn PENDING into
     * AVAILABLE between the read and the claim: the removal then claims the file it made available, instead of
     * answering the owner's DELETE (or an account deletion) while the file stays downloadable.
     */
    private boolean remove(MediaItem item, Instant now) {
        MediaItem current = item;
        for (int attempt = 0; attempt < 2; attempt++) {
            if (current.state() != State.PENDING && current.state() != State.AVAILABLE) {
                return false; // removed, being removed, or refused by someone else: nothing left to claim
            }
            if (store.transition(current.mediaId(), current.state(), removalOf(current), now)) {
                return finishRemoval(current.in(removalOf(current), now));
            }
            current = store.find(current.mediaId()).orElse(null);
            if (current == null) {
                return false;
            }
        }
        return false; // PENDING → AVAILABLE happens once, so a second miss means another removal won
    }

    /** One pass of the sweep over due and interrupted slots; returns how many it finished. */
    public int sweep() {
        int finished = 0;
        Instant now = clock.instant();
        for (MediaItem item : store.due(now)) {
            try {
                if (item.state() == State.REFUSED) {
                    cleanUpRefused(item); // a refusal a crash interrupted: abort its multipart upload, drop it
                    finished++;
                    continue;
                }
                boolean done = item.state() == State.RELEASING || item.state() == State.REMOVING
                        ? finishRemoval(item) : beginRemoval(item, now);
                finished += done ? 1 : 0;
            } catch (RuntimeException e) {
                LOG.warnf("sweep of media %s failed (%s); next pass retries", item.mediaId(),
                        e.getClass().getSimpleName());
            }
        }
        return finished;
    }

    /**
     * Claims the slot for removal (one winner against complete, delete and other sweeps) and records in its
     * state whether a hold is owed back, so a removal a crash interrupts is finished the same way.
     */
    private boolean beginRemoval(MediaItem item, Instant now) {
        State removal = removalOf(item);
        if (!store.transition(item.mediaId(), item.state(), removal, now)) {
            return false;
        }
        return finishRemoval(item.in(removal, now));
    }

    /** A slot never completed owes its hold back (RELEASING); a completed file keeps its charge (REMOVING). */
    private static State removalOf(MediaItem item) {
        return item.state() == State.PENDING ? State.RELEASING : State.REMOVING;
    }

    /**
     * The object goes, then (RELEASING) the hold is released, then the slot is REMOVED. Every step may be
     * repeated after a crash: deleting a missing object is fine and the wallet credits a release once.
     */
    private boolean finishRemoval(MediaItem item) {
        if (item.multipart()) {
            objects.abortMultipart(item.mediaId(), item.uploadId()); // parts of an upload never completed
        }
        objects.delete(item.mediaId());
        if (item.state() == State.RELEASING) {
            String release = EventIds.derive("media-release", item.owner(), item.mediaId());
            try {
                if (!item.authorized()) {
                    // The request that publishes this AUTHORIZE may still be on its way (stalled between storing
                    // the slot and publishing). A RELEASE the wallet reads before its AUTHORIZE releases nothing,
                    // and the AUTHORIZE after it would then hold 3 credits for good. Publishing the same AUTHORIZE
                    // first (same id: the wallet applies it once) puts one before the RELEASE on the account's
                    // partition, whatever the request does later (docs/media.md, "Money").
                    usage.publish(authorizationOf(item), config.walletTimeout());
                }
                usage.publish(new UsageEvent(release, clock.instant(), item.owner(), UsageKind.FILE_TRANSFER, 1,
                        UsageMode.RELEASE, item.authorization(), SOURCE), config.walletTimeout());
            } catch (UsagePublisher.PublishFailedException e) {
                LOG.warnf("release of media %s not published yet (%s); the sweep retries", item.mediaId(),
                        e.getClass().getSimpleName());
                return false;
            }
            metrics.counter("media_released_total").increment();
        }
        return store.transition(item.mediaId(), item.state(), State.REMOVED, clock.instant());
    }

    /** The slot's AUTHORIZE: always the same event (id and content), however often it is published. */
    private static UsageEvent authorizationOf(MediaItem item) {
        return new UsageEvent(item.authorization(), item.createdAt(), item.owner(), UsageKind.FILE_TRANSFER, 1,
                UsageMode.AUTHORIZE, item.mediaId(), SOURCE);
    }

    private MediaItem owned(String caller, String mediaId) {
        MediaItem item = store.find(mediaId).orElseThrow(MediaProblems::notFound);
        if (!item.ownedBy(caller)) {
            throw MediaProblems.notOwner();
        }
        return item;
    }

    /** The request's body as the key's fingerprint: the declared size is all of it. */
    private static String fingerprint(long size) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(("size=" + size).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String newId() {
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
