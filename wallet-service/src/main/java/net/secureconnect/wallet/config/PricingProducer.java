package net.secureconnect.wallet.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import net.secureconnect.contracts.PriceList;
import net.secureconnect.contracts.UsageKind;

/** The price list in force: the contract defaults with the configured overrides. */
@ApplicationScoped
public class PricingProducer {

    // A record is final, so it cannot sit behind a client proxy: Singleton, not ApplicationScoped.
    @Produces
    @Singleton
    PriceList priceList(WalletConfig config) {
        PriceList prices = PriceList.defaults();
        WalletConfig.Prices overrides = config.prices();
        if (overrides.message().isPresent()) {
            prices = prices.with(UsageKind.MESSAGE, overrides.message().getAsLong());
        }
        if (overrides.callMinute().isPresent()) {
            prices = prices.with(UsageKind.CALL_MINUTE, overrides.callMinute().getAsLong());
        }
        if (overrides.fileTransfer().isPresent()) {
            prices = prices.with(UsageKind.FILE_TRANSFER, overrides.fileTransfer().getAsLong());
        }
        return prices;
    }
}
