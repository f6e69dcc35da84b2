package net.secureconnect.media.model;

import java.time.Instant;

/**
 * One attachment slot: who uploads it, how big it is declared to be, the authorization that pays for it, and
 * where it is in its life. The bytes (ciphertext) are object {@code mediaId} of the bucket; nothing here says
 * what they contain.
 *
 * @param authorization the event id of the FILE_TRANSFER AUTHORIZE that pays for it
 * @param dueAt         when the sweep acts: end of the upload window while PENDING, end of retention once AVAILABLE
 * @param uploadId      the object store's multipart upload id, or null for a single PUT
 * @param authorized    the wallet applied the authorization (the hold is taken); false while its answer is unknown
 * @param requestKey    the account-scoped Idempotency-Key claim that created the slot, or null
 */
public record MediaItem(String mediaId, String owner, long size, State state, String authorization,
                        Instant createdAt, Instant dueAt, String uploadId, boolean authorized, String requestKey) {

    public enum State {
        /** Authorized (or authorizing) and waiting for the upload to complete. */
        PENDING,
        /**
         * The wallet refused the authorization (nothing charged, no URL issued), or the request failed before
         * anything was published: the slot is being discarded (open multipart upload aborted, row deleted).
         */
        REFUSED,
        /** Uploaded with the declared size and charged: downloadable until due. */
        AVAILABLE,
        /** An upload never completed (expired or cancelled) being removed: the object goes, the hold is released. */
        RELEASING,
        /** A completed file being removed (expired or deleted by its owner): the object goes, the charge stays. */
        REMOVING,
        /** Gone: the object is deleted, any release is published. */
        REMOVED
    }

    public boolean ownedBy(String accountId) {
        return owner.equals(accountId);
    }

    public boolean multipart() {
        return uploadId != null;
    }

    public MediaItem in(State next, Instant nextDueAt) {
        return new MediaItem(mediaId, owner, size, next, authorization, createdAt, nextDueAt, uploadId, authorized,
                requestKey);
    }
}
