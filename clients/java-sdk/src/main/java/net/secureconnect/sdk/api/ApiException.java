package net.secureconnect.sdk.api;

import java.util.Optional;

/**
 * A refusal or failure of a SecureConnect service or of the OIDC provider, typed by what the caller can
 * do about it. {@link #code()} is the stable problem+json {@code code} (or the OAuth {@code error}).
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public ApiException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.code = "NETWORK";
    }

    /** HTTP status, or 0 when no answer arrived. */
    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** 401, or the OIDC provider refused the credentials / the second factor. */
    public static class NotAuthenticated extends ApiException {
        public NotAuthenticated(int status, String code, String message) {
            super(status, code, message);
        }
    }

    /** 403: not allowed (e.g. {@code NOT_ACCOUNT_OWNER}, {@code FORBIDDEN}). */
    public static class Forbidden extends ApiException {
        public Forbidden(int status, String code, String message) {
            super(status, code, message);
        }
    }

    /** 404: {@code ACCOUNT_NOT_FOUND}, {@code DEVICE_NOT_FOUND}, {@code USERNAME_NOT_FOUND}. */
    public static class NotFound extends ApiException {
        public NotFound(int status, String code, String message) {
            super(status, code, message);
        }
    }

    /** 409: {@code USERNAME_TAKEN}, {@code DEVICE_LIMIT_REACHED}, {@code IDENTITY_KEY_CHANGED}, … */
    public static class Conflict extends ApiException {
        public Conflict(int status, String code, String message) {
            super(status, code, message);
        }
    }

    /** The account's balance cannot pay for the action ({@code INSUFFICIENT_CREDITS}, or 402). */
    public static class InsufficientCredits extends ApiException {
        public InsufficientCredits(int status, String code, String message) {
            super(status, code, message);
        }
    }

    /** 429 {@code RATE_LIMITED}; {@link #retryAfterSeconds()} from the Retry-After header. */
    public static class RateLimited extends ApiException {
        private final Long retryAfterSeconds;

        public RateLimited(int status, String code, String message, Long retryAfterSeconds) {
            super(status, code, message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public Optional<Long> retryAfterSeconds() {
            return Optional.ofNullable(retryAfterSeconds);
        }
    }

    /** 400, 411, 413, 422: the request itself was refused ({@code VALIDATION_FAILED}, {@code INVALID_SIGNATURE}, …). */
    public static class InvalidRequest extends ApiException {
        public InvalidRequest(int status, String code, String message) {
            super(status, code, message);
        }
    }

    /** 5xx, an unexpected answer, or no answer at all (status 0). */
    public static class ServerOrNetwork extends ApiException {
        public ServerOrNetwork(int status, String code, String message) {
            super(status, code, message);
        }

        public ServerOrNetwork(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
