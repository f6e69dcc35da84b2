package net.secureconnect.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class PriceListTest {

    @Test
    void defaultsAreTheDesignedPrices() {
        PriceList defaults = PriceList.defaults();
        assertEquals(1, defaults.price(UsageKind.MESSAGE));
        assertEquals(5, defaults.price(UsageKind.CALL_MINUTE));
        assertEquals(3, defaults.price(UsageKind.FILE_TRANSFER));
        for (UsageKind kind : UsageKind.values()) {
            assertEquals(kind.defaultPrice(), defaults.price(kind));
        }
    }

    @Test
    void ofNeedsAPriceForEveryKind() {
        Map<UsageKind, Long> partial = new EnumMap<>(Map.of(UsageKind.MESSAGE, 2L, UsageKind.CALL_MINUTE, 6L));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PriceList.of(partial));
        assertTrue(e.getMessage().contains("FILE_TRANSFER"), e.getMessage());

        Map<UsageKind, Long> withNull = new HashMap<>(Map.of(UsageKind.MESSAGE, 2L, UsageKind.CALL_MINUTE, 6L));
        withNull.put(UsageKind.FILE_TRANSFER, null);
        assertThrows(IllegalArgumentException.class, () -> PriceList.of(withNull));
        assertThrows(IllegalArgumentException.class, () -> PriceList.of(null));
    }

    @Test
    void ofRefusesPricesOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> PriceList.defaults().with(UsageKind.MESSAGE, -1));
        assertThrows(IllegalArgumentException.class, () -> PriceList.defaults().with(UsageKind.MESSAGE, PriceList.MAX_PRICE + 1));
        assertThrows(IllegalArgumentException.class, () -> PriceList.defaults().with(null, 1));
        assertEquals(0, PriceList.defaults().with(UsageKind.MESSAGE, 0).price(UsageKind.MESSAGE), "free is allowed");
    }

    @Test
    void ofCopiesAndIsImmutable() {
        Map<UsageKind, Long> prices = new EnumMap<>(Map.of(UsageKind.MESSAGE, 2L, UsageKind.CALL_MINUTE, 6L, UsageKind.FILE_TRANSFER, 4L));
        PriceList list = PriceList.of(prices);
        prices.put(UsageKind.MESSAGE, 100L);
        assertEquals(2, list.price(UsageKind.MESSAGE));
        assertThrows(UnsupportedOperationException.class, () -> list.prices().put(UsageKind.MESSAGE, 1L));
        assertEquals(PriceList.of(Map.of(UsageKind.MESSAGE, 2L, UsageKind.CALL_MINUTE, 6L, UsageKind.FILE_TRANSFER, 4L)), list);
    }

    @Test
    void withReplacesOnePrice() {
        PriceList list = PriceList.defaults().with(UsageKind.CALL_MINUTE, 8);
        assertEquals(8, list.price(UsageKind.CALL_MINUTE));
        assertEquals(1, list.price(UsageKind.MESSAGE));
        assertEquals(5, PriceList.defaults().price(UsageKind.CALL_MINUTE), "defaults unchanged");
    }

    @Test
    void costIsPriceTimesUnits() {
        assertEquals(15, PriceList.defaults().cost(UsageKind.CALL_MINUTE, 3));
        assertEquals(PriceList.MAX_PRICE * UsageEvent.MAX_UNITS,
                PriceList.defaults().with(UsageKind.MESSAGE, PriceList.MAX_PRICE).cost(UsageKind.MESSAGE, UsageEvent.MAX_UNITS));
        assertThrows(IllegalArgumentException.class, () -> PriceList.defaults().cost(UsageKind.MESSAGE, 0));
    }

    @Test
    void unaffordableKindsAtTheDefaultPrices() {
        PriceList prices = PriceList.defaults();
        assertEquals(Set.of(UsageKind.values()), prices.unaffordable(0));
        assertEquals(Set.of(UsageKind.CALL_MINUTE, UsageKind.FILE_TRANSFER), prices.unaffordable(1));
        assertEquals(Set.of(UsageKind.CALL_MINUTE, UsageKind.FILE_TRANSFER), prices.unaffordable(2));
        assertEquals(Set.of(UsageKind.CALL_MINUTE), prices.unaffordable(3));
        assertEquals(Set.of(), prices.unaffordable(5));
    }

    @Property(tries = 200)
    void aKindIsUnaffordableExactlyWhenOneUnitCostsMoreThanTheBalance(@ForAll @LongRange(min = 0, max = 20) long balance) {
        PriceList prices = PriceList.defaults();
        for (UsageKind kind : UsageKind.values()) {
            assertEquals(prices.cost(kind, 1) > balance, prices.unaffordable(balance).contains(kind));
        }
    }
}
