package net.secureconnect.contracts;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Credits per unit of every {@link UsageKind}. The wallet charges by it; relay and media check a
 * balance against it before accepting an action.
 *
 * @param prices a price for every kind, each 0..{@value #MAX_PRICE}
 */
public record PriceList(Map<UsageKind, Long> prices) {

    /** Upper bound that keeps {@code price * units} far from overflow. */
    public static final long MAX_PRICE = 1_000_000;

    private static final PriceList DEFAULTS = fromDefaults();

    public PriceList {
        Require.present(prices, "prices");
        EnumMap<UsageKind, Long> copy = new EnumMap<>(UsageKind.class);
        for (UsageKind kind : UsageKind.values()) {
            Long price = prices.get(kind);
            if (price == null) {
                throw new IllegalArgumentException("no price for " + kind);
            }
            if (price < 0 || price > MAX_PRICE) {
                throw new IllegalArgumentException(
                        "price of " + kind + " must be 0.." + MAX_PRICE + " credits, was " + price);
            }
            copy.put(kind, price);
        }
        prices = Collections.unmodifiableMap(copy);
    }

    /** MESSAGE 1, CALL_MINUTE 5, FILE_TRANSFER 3 credits. */
    public static PriceList defaults() {
        return DEFAULTS;
    }

    /** A price list with a price for every kind; throws IllegalArgumentException otherwise. */
    public static PriceList of(Map<UsageKind, Long> prices) {
        return new PriceList(prices);
    }

    /** This list with one price replaced, e.g. for a configured override. */
    public PriceList with(UsageKind kind, long price) {
        EnumMap<UsageKind, Long> copy = new EnumMap<>(prices);
        copy.put(Require.present(kind, "kind"), price);
        return new PriceList(copy);
    }

    public long price(UsageKind kind) {
        return prices.get(kind);
    }

    /** Credits for {@code units} units of {@code kind}. */
    public long cost(UsageKind kind, int units) {
        Require.range(units, 1, UsageEvent.MAX_UNITS, "units");
        return price(kind) * units;
    }

    /** The kinds of which a balance cannot pay one unit: what {@link AccountSuspended} lists. */
    public Set<UsageKind> unaffordable(long balance) {
        EnumSet<UsageKind> kinds = EnumSet.noneOf(UsageKind.class);
        for (UsageKind kind : UsageKind.values()) {
            if (price(kind) > balance) {
                kinds.add(kind);
            }
        }
        return Collections.unmodifiableSet(kinds);
    }

    private static PriceList fromDefaults() {
        EnumMap<UsageKind, Long> prices = new EnumMap<>(UsageKind.class);
        for (UsageKind kind : UsageKind.values()) {
            prices.put(kind, kind.defaultPrice());
        }
        return new PriceList(prices);
    }
}
