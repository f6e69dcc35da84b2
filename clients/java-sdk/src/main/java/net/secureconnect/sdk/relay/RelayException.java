package net.secureconnect.sdk.relay;

import java.util.List;

/**
 * The relay refused a {@code send} (docs/protocol.md, frame {@code refused}) or could not be reached.
 * {@link #code()} is the relay's refusal code, or {@code CONNECTION} / {@code TIMEOUT} / {@code ERROR}.
 */
public class RelayException extends RuntimeException {

    private final String code;

    public RelayException(String code, String message) {
        super(message);
        this.code = code;
    }

    public RelayException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** {@code INSUFFICIENT_CREDITS}: the wallet refused the charge, or the account is suspended for messages. */
    public static class InsufficientCreditsException extends RelayException {
        public InsufficientCreditsException(String message) {
            super("INSUFFICIENT_CREDITS", message);
        }
    }

    /**
     * {@code DEVICE_MISMATCH}: the envelope did not name exactly the current devices of {@link #account()} (the
     * recipient's for {@code messages}, this account's own for the {@code self} copies).
     */
    public static class DeviceMismatchException extends RelayException {
        private final String account;
        private final List<Integer> devices;
        private final List<Integer> missingDevices;
        private final List<Integer> extraDevices;

        public DeviceMismatchException(String message, List<Integer> devices, List<Integer> missingDevices,
                                       List<Integer> extraDevices) {
            this(message, null, devices, missingDevices, extraDevices);
        }

        /** @param account whose device list did not match; null from a relay that does not say (the recipient's) */
        public DeviceMismatchException(String message, String account, List<Integer> devices,
                                       List<Integer> missingDevices, List<Integer> extraDevices) {
            super("DEVICE_MISMATCH", message);
            this.account = account;
            this.devices = List.copyOf(devices);
            this.missingDevices = List.copyOf(missingDevices);
            this.extraDevices = List.copyOf(extraDevices);
        }

        /** The account whose device list did not match, or empty if the relay did not say (then the recipient's). */
        public java.util.Optional<String> account() {
            return java.util.Optional.ofNullable(account);
        }

        public List<Integer> devices() {
            return devices;
        }

        public List<Integer> missingDevices() {
            return missingDevices;
        }

        public List<Integer> extraDevices() {
            return extraDevices;
        }
    }

    /** {@code UNKNOWN_RECIPIENT}: the recipient has no devices. */
    public static class UnknownRecipientException extends RelayException {
        public UnknownRecipientException(String message) {
            super("UNKNOWN_RECIPIENT", message);
        }
    }

    /** {@code RATE_LIMITED}: back off, resend with the same id. */
    public static class RateLimitedException extends RelayException {
        public RateLimitedException(String message) {
            super("RATE_LIMITED", message);
        }
    }

    /**
     * {@code UNAVAILABLE} (or no answer / connection lost): resend with the same id, unless
     * {@link #retryWithNewId()} (that id's charge is spent: re-encrypt and use a new id).
     */
    public static class UnavailableException extends RelayException {
        private final boolean retryWithNewId;

        public UnavailableException(String code, String message, boolean retryWithNewId) {
            super(code, message);
            this.retryWithNewId = retryWithNewId;
        }

        public UnavailableException(String code, String message, Throwable cause) {
            super(code, message, cause);
            this.retryWithNewId = false;
        }

        public boolean retryWithNewId() {
            return retryWithNewId;
        }
    }

    /**
     * The upgrade was refused with 401, or the relay closed with 1008: a fresh token is needed. Also the
     * upgrade refused with 403: the token is not an end user's (no role user, or another client's).
     */
    public static class AuthenticationException extends RelayException {
        public AuthenticationException(String message) {
            super("AUTHENTICATION", message);
        }
    }

    /**
     * The relay closed the connection for good: 4003 (device unknown to the relay: not, or not yet, or no
     * longer registered) or 4001 (replaced by a newer connection of the same device).
     */
    public static class ConnectionClosedException extends RelayException {
        private final int closeCode;

        public ConnectionClosedException(int closeCode, String message) {
            super("CLOSED_" + closeCode, message);
            this.closeCode = closeCode;
        }

        public int closeCode() {
            return closeCode;
        }
    }

    /** A frame {@code error}: the relay could not act on what this client sent (a client bug). */
    public static class FrameRejectedException extends RelayException {
        public FrameRejectedException(String code, String message) {
            super(code, message);
        }
    }
}
