package net.secureconnect.cli;

import net.secureconnect.sdk.api.ApiException;
import net.secureconnect.sdk.relay.RelayException;
import net.secureconnect.sdk.store.WrongPassphraseException;

/** The CLI's exit codes (clients/cli/README.md) and which failure gets which. */
final class ExitCodes {

    static final int OK = 0;
    static final int USAGE = 2;
    static final int AUTHENTICATION = 3;
    static final int INSUFFICIENT_CREDITS = 4;
    static final int NETWORK_OR_SERVER = 5;
    /** Refused for trust: an identity key differs from the pin, a new device of a verified contact, no post-quantum key. */
    static final int UNTRUSTED = 6;
    /** A top-up that did not complete: the checkout was declined, or no payment arrived in time. */
    static final int PAYMENT_NOT_COMPLETED = 7;

    private ExitCodes() {
    }

    static int of(Throwable failure) {
        if (failure instanceof CliException c) {
            return c.exitCode;
        }
        if (failure instanceof net.secureconnect.sdk.trust.UntrustedIdentityException
                || failure instanceof net.secureconnect.sdk.protocol.MissingPostQuantumKeyException) {
            return UNTRUSTED;
        }
        if (failure instanceof RelayException.InsufficientCreditsException || failure instanceof ApiException.InsufficientCredits) {
            return INSUFFICIENT_CREDITS;
        }
        if (failure instanceof ApiException.NotAuthenticated || failure instanceof RelayException.AuthenticationException
                || failure instanceof WrongPassphraseException) {
            return AUTHENTICATION;
        }
        if (failure instanceof ApiException.NotFound || failure instanceof ApiException.InvalidRequest
                || failure instanceof ApiException.Conflict || failure instanceof IllegalArgumentException
                || failure instanceof RelayException.UnknownRecipientException) {
            return USAGE;
        }
        return NETWORK_OR_SERVER;
    }

    /** A failure the CLI itself detected, with its exit code. */
    static final class CliException extends RuntimeException {
        final int exitCode;

        CliException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }
}
