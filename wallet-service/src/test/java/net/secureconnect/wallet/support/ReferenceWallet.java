package net.secureconnect.wallet.support;

import java.util.HashMap;
import java.util.Map;

import net.secureconnect.contracts.PriceList;
import net.secureconnect.contracts.UsageMode;

/**
 * The simplest model of a wallet, written for the tests and independent of the service: a balance, changed by
 * one event at a time. Used to check what the service recorded, entry by entry.
 */
public final class ReferenceWallet {

    private final PriceList prices = PriceList.defaults();
    /** What each applied authorization (by its event id) debited: what a release of it gives back. */
    private final Map<String, Long> authorized = new HashMap<>();
    private long balance;

    /** What the service must have recorded for one entry. */
    public record Expected(long amount, long balanceAfter, long overdraft, boolean rejected) {
    }

    public long balance() {
        return balance;
    }

    public Expected usage(String eventId, net.secureconnect.contracts.UsageKind kind, int units, UsageMode mode) {
        long cost = prices.price(kind) * units;
        if (mode == UsageMode.AUTHORIZE && balance < cost) {
            return new Expected(0, balance, 0, true);
        }
        long debit = Math.min(balance, cost);
        balance -= debit;
        if (mode == UsageMode.AUTHORIZE) {
            authorized.put(eventId, debit);
        }
        return new Expected(-debit, balance, cost - debit, false);
    }

    /** What releasing this authorization gives back: what it debited, 0 if it was refused or is unknown. */
    public long held(String authorizationEventId) {
        return authorized.getOrDefault(authorizationEventId, 0L);
    }

    /** A release the wallet records (only when {@link #held} is positive). */
    public Expected release(String authorizationEventId) {
        long held = held(authorizationEventId);
        balance += held;
        return new Expected(held, balance, 0, false);
    }

    public Expected purchase(long credits) {
        balance += credits;
        return new Expected(credits, balance, 0, false);
    }

    public Expected revocation(long credits) {
        long debit = Math.min(balance, credits);
        balance -= debit;
        return new Expected(-debit, balance, credits - debit, false);
    }

    public Expected opening() {
        return new Expected(0, balance, 0, false); // welcome credits default to 0
    }
}
