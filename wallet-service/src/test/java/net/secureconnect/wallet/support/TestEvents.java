package net.secureconnect.wallet.support;

import net.secureconnect.contracts.AccountCreated;
import net.secureconnect.contracts.CreditsPurchased;
import net.secureconnect.contracts.CreditsRevoked;
import net.secureconnect.contracts.RevocationReason;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;

import java.time.Instant;
import java.util.UUID;

/** Events as the relay, media, payment and identity services would publish them. */
public final class TestEvents {

    private TestEvents() {
    }

    public static String newAccount() {
        return "acct-" + UUID.randomUUID();
    }

    public static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    public static UsageEvent capture(String account, UsageKind kind, int units) {
        return usage(newId("use"), account, kind, units, UsageMode.CAPTURE);
    }

    public static UsageEvent authorize(String account, UsageKind kind, int units) {
        return usage(newId("auth"), account, kind, units, UsageMode.AUTHORIZE);
    }

    public static UsageEvent usage(String eventId, String account, UsageKind kind, int units, UsageMode mode) {
        return new UsageEvent(eventId, Instant.now(), account, kind, units, mode, "cause-" + eventId,
                kind == UsageKind.FILE_TRANSFER ? "media-service" : "relay-service");
    }

    public static CreditsPurchased purchase(String account, long credits) {
        return purchase(newId("buy"), account, newId("pay"), credits);
    }

    public static CreditsPurchased purchase(String eventId, String account, String paymentId, long credits) {
        return new CreditsPurchased(eventId, Instant.now(), account, paymentId, credits, credits * 10, "EUR");
    }

    public static CreditsRevoked revocation(String eventId, String account, String paymentId, long credits) {
        return new CreditsRevoked(eventId, Instant.now(), account, paymentId, credits, RevocationReason.REFUND);
    }

    public static AccountCreated created(String account) {
        return new AccountCreated(newId("acc"), Instant.now(), account);
    }
}
