package net.secureconnect.wallet.service;

/** What a ledger entry records. */
public enum EntryKind {
    /** The account was opened by AccountCreated, with the welcome credits (possibly 0). */
    OPENED,
    /** Usage charged (authorized and covered, or captured; a capture beyond the balance carries overdraft). */
    USAGE,
    /** An authorize the balance could not cover: nothing debited, UsageRejected published. */
    USAGE_REJECTED,
    /** An authorization given back (RELEASE): the action it paid for never happened. */
    RELEASE,
    /** Credits bought. */
    PURCHASE,
    /** Credits of a purchase taken back (refund, chargeback). */
    REVOCATION,
    /** Credits added or removed by an administrator. */
    ADJUSTMENT,
    /** The account was deleted (AccountDeleted): the wallet is closed, its balance stays in the ledger. */
    CLOSED
}
