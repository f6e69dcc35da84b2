package net.secureconnect.contracts;

import java.util.Map;
import java.util.Optional;

/**
 * An account's whole wallet state as of one change, carried by every event on the compacted
 * {@link Topic#BALANCES} topic.
 *
 * @param balance spendable credits, never negative
 * @param version increases with every change of the wallet; a consumer ignores a state older than
 *                the one it holds
 * @param status  whether the wallet refuses some usage
 * @param prices  the wallet's price list in force when it announced this state (credits per unit of every
 *                {@link UsageKind}): the one price list relay and media estimate with (docs/architecture.md
 *                "One price list"). Absent in records of wallets that predate it.
 */
public record WalletState(long balance, long version, WalletStatus status,
                          @OptionalField Map<UsageKind, Long> prices) {

    public WalletState {
        Require.atLeast(balance, 0, "balance");
        Require.atLeast(version, 0, "version");
        Require.present(status, "status");
        // A partial or out-of-range list is refused whole (PriceList checks every kind).
        prices = prices == null ? null : PriceList.of(prices).prices();
    }

    /** A state without a price list (as published before prices travelled with it). */
    public WalletState(long balance, long version, WalletStatus status) {
        this(balance, version, status, null);
    }

    /** The wallet's prices as of this state, if it carried them. */
    public Optional<PriceList> priceList() {
        return prices == null ? Optional.empty() : Optional.of(PriceList.of(prices));
    }
}
