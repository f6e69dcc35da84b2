package net.secureconnect.wallet.service;

import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.contracts.UsageRejectionReason;
import net.secureconnect.contracts.WalletState;
import net.secureconnect.contracts.WalletStatus;

import java.time.Instant;
import java.util.Set;

/**
 * One applied cause in an account's append-only ledger. Together with the price list in force when it was
 * written it determines everything announced for it, so a re-publication is identical to the first.
 *
 * @param entryId      the idempotency key ({@code usage:<eventId>}, {@code purchase:<paymentId>}, …)
 * @param version      the wallet version this entry produced
 * @param cause        id of the causing event (or derived from an adjustment's idempotency key)
 * @param amount       signed credits applied to the balance
 * @param overdraft    credits charged but not collectable because the balance could not cover them
 * @param unaffordable kinds unaffordable after this entry
 * @param suspends     this entry made more kinds unaffordable (AccountSuspended)
 * @param reinstated   kinds this entry made affordable again (AccountReinstated when not empty)
 * @param usage        usage details, for USAGE and USAGE_REJECTED entries only
 * @param paymentId    for PURCHASE and REVOCATION entries only
 * @param note         adjustment reason or revocation reason, if any
 * @param requestHash  fingerprint of an adjustment request, for its Idempotency-Key
 */
public record LedgerEntry(String accountId, String entryId, long version, EntryKind kind, String cause,
                          long amount, long balanceAfter, long overdraft, Instant at,
                          Set<UsageKind> unaffordable, boolean suspends, Set<UsageKind> reinstated,
                          Usage usage, String paymentId, String note, String requestHash) {

    public LedgerEntry {
        unaffordable = Set.copyOf(unaffordable);
        reinstated = Set.copyOf(reinstated);
    }

    /** The usage an entry charged or refused. {@code rejection} is set for USAGE_REJECTED only. */
    public record Usage(UsageKind kind, int units, UsageMode mode, String causeId, String source,
                        UsageRejectionReason rejection) {
    }

    public WalletStatus statusAfter() {
        return unaffordable.isEmpty() ? WalletStatus.ACTIVE : WalletStatus.SUSPENDED;
    }

    public WalletState stateAfter() {
        return new WalletState(balanceAfter, version, statusAfter());
    }
}
