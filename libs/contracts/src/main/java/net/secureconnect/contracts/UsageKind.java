package net.secureconnect.contracts;

/** A paid action, with its default price in credits per unit. Prices in force come from {@link PriceList}. */
public enum UsageKind {
    /** One envelope sent, whatever the number of recipient devices. */
    MESSAGE(1),
    /** One started minute of a voice call, charged to the caller. */
    CALL_MINUTE(5),
    /** One encrypted upload. */
    FILE_TRANSFER(3);

    private final long defaultPrice;

    UsageKind(long defaultPrice) {
        this.defaultPrice = defaultPrice;
    }

    /** Credits per unit when no price is configured. */
    public long defaultPrice() {
        return defaultPrice;
    }
}
