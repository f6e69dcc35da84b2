package net.secureconnect.contracts.json;

import net.secureconnect.contracts.BalanceChanged;
import net.secureconnect.contracts.PriceList;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.WalletState;
import net.secureconnect.contracts.WalletStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wallet's price list rides in every wallet state (issue 13 §8); records without it still decode. */
class WalletStatePricesTest {

    private static BalanceChanged changed(WalletState state) {
        return new BalanceChanged("e-1", Instant.parse("2026-12-04T12:00:00Z"), "acct-1", state, -2, "u-1");
    }

    @Test
    void aConfiguredPriceListRoundTrips() {
        PriceList prices = PriceList.defaults().with(UsageKind.MESSAGE, 2);
        byte[] json = EventJson.encode(changed(new WalletState(8, 3, WalletStatus.ACTIVE, prices.prices())));
        assertTrue(new String(json, StandardCharsets.UTF_8).contains("\"prices\":{"));
        BalanceChanged decoded = (BalanceChanged) assertInstanceOf(DecodeResult.Decoded.class, EventJson.decode(json)).event();
        assertEquals(2L, decoded.wallet().priceList().orElseThrow().price(UsageKind.MESSAGE));
        assertEquals(prices, decoded.wallet().priceList().orElseThrow());
    }

    @Test
    void aStateWithoutPricesIsStillValid() {
        byte[] json = EventJson.encode(changed(new WalletState(8, 3, WalletStatus.ACTIVE)));
        assertTrue(!new String(json, StandardCharsets.UTF_8).contains("prices"));
        BalanceChanged decoded = (BalanceChanged) assertInstanceOf(DecodeResult.Decoded.class, EventJson.decode(json)).event();
        assertTrue(decoded.wallet().priceList().isEmpty());
    }

    @Test
    void aPartialOrNegativePriceListIsRefusedWhole() {
        String partial = new String(EventJson.encode(changed(new WalletState(8, 3, WalletStatus.ACTIVE,
                PriceList.defaults().prices()))), StandardCharsets.UTF_8)
                .replaceAll("\"FILE_TRANSFER\":3,?", "").replace(",}", "}");
        assertInstanceOf(DecodeResult.Rejected.class, EventJson.decode(partial.getBytes(StandardCharsets.UTF_8)), partial);
        String negative = new String(EventJson.encode(changed(new WalletState(8, 3, WalletStatus.ACTIVE,
                Map.of(UsageKind.MESSAGE, 1L, UsageKind.CALL_MINUTE, 5L, UsageKind.FILE_TRANSFER, 3L)))),
                StandardCharsets.UTF_8).replace("\"MESSAGE\":1", "\"MESSAGE\":-1");
        assertInstanceOf(DecodeResult.Rejected.class, EventJson.decode(negative.getBytes(StandardCharsets.UTF_8)), negative);
    }
}
