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
import net.secureconnect.media.storage.ObjectStore;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.s3.model.CompletedPart;

import java.net.URL;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
    private final MediaConfig config;
    private final MeterRegistry metrics;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    public MediaService(MediaStore store, ObjectStore objects, UsagePublisher usage, WalletAnswers answers,
                        MediaConfig config, MeterRegistry metrics) {
        this.store = store;
        this.objects = objects;
        this.usage = usage;
        this.answers = answers;
        this.config = config;
        this.metrics = metrics;
    }

    /** A slot the caller has paid for, with where to PUT the ciphertext: one URL, or one per part. */
    public record Upload(MediaItem item, URL url, List<Part> parts, Instant urlExpiresAt) {
    }

    /** One part of a multipart upload: PUT exactly {@code size} bytes to {@code url}, keep the answer's ETag. */
    public record Part(int partNumber, long size, URL url) {
    }

    public Upload startUpload(String owner, long size) {
        if (size > config.maxSize()) {
            throw MediaProblems.tooLarge(size, config.maxSize());
        }
        Instant now = clock.instant();
        String mediaId = newId();
        String authorization = EventIds.derive("media-authorize", owner, mediaId);
        // Multipart uploads are opened before anything is stored or charged: a store that refuses fails early.
        String uploadId = size > config.multipartThreshold() ? objects.startMultipart(mediaId) : null;
        MediaItem item = new MediaItem(mediaId, owner, size, State.PENDING, authorization, now,
                now.plus(config.uploadWindow()), uploadId);
        // Stored before the authorization is published: whatever happens next, the sweep can release it.
        store.create(item);
        CompletableFuture<WalletAnswers.Answer> answer = answers.expect(authorization);
        try {
            if (!answers.awaitPositioned(config.walletTimeout())) {
                throw MediaProblems.walletUnavailable();
            }
            usage.publish(new UsageEvent(authorization, now, owner, UsageKind.FILE_TRANSFER, 1, UsageMode.AUTHORIZE,
                    mediaId, SOURCE), config.walletTimeout());
            WalletAnswers.Answer outcome = answer.get(config.walletTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (outcome == WalletAnswers.Answer.REJECTED) {
                store.transition(mediaId, State.PENDING, State.REFUSED, now);
                metrics.counter("media_uploads_total", "outcome", "insufficient_credits").increment();
                throw MediaProblems.insufficientCredits();
            }
        } catch (UsagePublisher.PublishFailedException | TimeoutException | ExecutionException e) {
            // Unknown whether the wallet applied it: the slot stays PENDING and the sweep releases it when due.
            LOG.warnf("authorization of media %s unanswered (%s)", mediaId, e.getClass().getSimpleName());
            metrics.counter("media_uploads_total", "outcome", "wallet_unavailable").increment();
            throw MediaProblems.walletUnavailable();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MediaProblems.walletUnavailable();
        } finally {
            answers.forget(authorization);
        }
        metrics.counter("media_uploads_total", "outcome", "authorized").increment();
        Instant urlExpiresAt = now.plus(config.uploadUrlTtl());
        if (item.multipart()) {
            List<Part> parts = new ArrayList<>();
            long partSize = Math.max(config.partSize(), (size + MAX_PARTS - 1) / MAX_PARTS);
            for (long offset = 0, number = 1; offset < size; offset += partSize, number++) {
                long length = Math.min(partSize, size - offset);
                parts.add(new Part((int) number, length,
                        objects.partUrl(mediaId, uploadId, (int) number, length, config.uploadUrlTtl())));
            }
            return new Upload(item, null, parts, urlExpiresAt);
        }
        return new Upload(item, objects.uploadUrl(mediaId, size, config.uploadUrlTtl()), List.of(), urlExpiresAt);
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
        MediaItem item = owned(caller, mediaId);
        if (item.state() == State.PENDING || item.state() == State.AVAILABLE) {
            beginRemoval(item, clock.instant());
        }
        // REFUSED, RELEASING, REMOVING, REMOVED: nothing (more) for the caller to do; deleting twice is fine.
    }

    /** One pass of the sweep over due and interrupted slots; returns how many it finished. */
    public int sweep() {
        int finished = 0;
        Instant now = clock.instant();
        for (MediaItem item : store.due(now)) {
            try {
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
        State removal = item.state() == State.PENDING ? State.RELEASING : State.REMOVING;
        if (!store.transition(item.mediaId(), item.state(), removal, now)) {
            return false;
        }
        return finishRemoval(item.in(removal, now));
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

    private MediaItem owned(String caller, String mediaId) {
        MediaItem item = store.find(mediaId).orElseThrow(MediaProblems::notFound);
        if (!item.ownedBy(caller)) {
            throw MediaProblems.notOwner();
        }
        return item;
    }

    private String newId() {
        byte[] bytes = new byte[ID_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
