package net.secureconnect.contracts;

/**
 * An event on {@link Topic#BALANCES}: whichever of them a consumer sees last for an account,
 * it holds the account's full {@link WalletState}.
 */
public sealed interface WalletStateEvent extends Event permits BalanceChanged, AccountSuspended, AccountReinstated {

    WalletState wallet();

    /** The event whose application produced this state: a usage event, a purchase or a revocation. */
    String causeEventId();
}
