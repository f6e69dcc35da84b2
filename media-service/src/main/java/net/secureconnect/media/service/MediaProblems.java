package net.secureconnect.media.service;

import net.secureconnect.runtime.rest.ProblemException;

/** The media API's refusals, each with a stable code (docs/media.md). */
final class MediaProblems {

    private MediaProblems() {
    }

    static ProblemException tooLarge(long size, long max) {
        return new ProblemException(413, "MEDIA_TOO_LARGE", "File too large",
                "declared size " + size + " exceeds the limit of " + max + " bytes");
    }

    static ProblemException insufficientCredits() {
        return new ProblemException(402, "INSUFFICIENT_CREDITS", "Insufficient credits",
                "the balance cannot pay for a file transfer; top up and try again");
    }

    static ProblemException walletUnavailable() {
        return new ProblemException(503, "WALLET_UNAVAILABLE", "Wallet unavailable",
                "the wallet did not answer in time; retry with the same Idempotency-Key (never charged twice)");
    }

    static ProblemException idempotencyKeyReused() {
        return new ProblemException(422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key reused",
                "this Idempotency-Key was used with a different request");
    }

    static ProblemException alreadyCompleted(String mediaId) {
        return new ProblemException(409, "UPLOAD_ALREADY_COMPLETED", "Upload already completed",
                "the upload of this Idempotency-Key is complete as media " + mediaId + "; use a new key for another file");
    }

    static ProblemException notFound() {
        return new ProblemException(404, "MEDIA_NOT_FOUND", "Media not found", "no such media id");
    }

    static ProblemException notOwner() {
        return new ProblemException(403, "NOT_MEDIA_OWNER", "Not the uploader", "only the uploader may do this");
    }

    static ProblemException notUploaded() {
        return new ProblemException(409, "UPLOAD_INCOMPLETE", "Upload incomplete",
                "nothing has been uploaded under this media id yet");
    }

    static ProblemException partsRequired() {
        return new ProblemException(400, "PARTS_REQUIRED", "Parts required",
                "a multipart upload is completed with the partNumber and ETag of every uploaded part");
    }

    static ProblemException sizeMismatch(long declared, long stored) {
        return new ProblemException(409, "SIZE_MISMATCH", "Size mismatch",
                "declared " + declared + " bytes, stored " + stored);
    }

    static ProblemException gone() {
        return new ProblemException(410, "MEDIA_GONE", "Media gone", "the upload expired or the file was removed");
    }
}
