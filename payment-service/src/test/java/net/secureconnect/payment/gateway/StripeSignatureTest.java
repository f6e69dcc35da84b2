package net.secureconnect.payment.gateway;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Stripe's scheme: HMAC-SHA256 over "t." + raw body, 300 s tolerance, several v1 values. */
class StripeSignatureTest {

    private static final String SECRET = "whsec_test";
    private static final Instant NOW = Instant.parse("2026-11-26T09:00:00Z");
    private static final byte[] BODY = "{\"id\":\"evt_1\",\"type\":\"checkout.session.completed\"}"
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void acceptsItsOwnSignature() {
        assertDoesNotThrow(() -> StripeSignature.verify(SECRET, StripeSignature.sign(SECRET, NOW, BODY), BODY, NOW));
    }

    @Test
    void knownVector() {
        // Computed independently: printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        String header = StripeSignature.sign(SECRET, Instant.ofEpochSecond(1700000000L), body);
        assertEquals("t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789", header);
    }

    @Test
    void acceptsAnyOfSeveralV1Values() {
        String valid = StripeSignature.sign(SECRET, NOW, BODY);
        String v1 = valid.substring(valid.indexOf("v1="));
        String header = "t=" + NOW.getEpochSecond() + ",v1=" + "00".repeat(32) + "," + v1 + ",v0=abcd";
        assertDoesNotThrow(() -> StripeSignature.verify(SECRET, header, BODY, NOW));
    }

    @Test
    void refusesAnotherSecret() {
        String forged = StripeSignature.sign("whsec_attacker", NOW, BODY);
        assertCode("INVALID_SIGNATURE", forged, BODY, NOW);
    }

    @Test
    void refusesAnAlteredBody() {
        String header = StripeSignature.sign(SECRET, NOW, BODY);
        byte[] altered = BODY.clone();
        altered[altered.length - 2] ^= 1;
        assertCode("INVALID_SIGNATURE", header, altered, NOW);
    }

    @Test
    void refusesAMovedTimestamp() {
        String header = StripeSignature.sign(SECRET, NOW, BODY).replace("t=" + NOW.getEpochSecond(),
                "t=" + (NOW.getEpochSecond() + 1));
        assertCode("INVALID_SIGNATURE", header, BODY, NOW.plusSeconds(1));
    }

    @Test
    void toleranceIs300SecondsEitherWay() {
        String header = StripeSignature.sign(SECRET, NOW, BODY);
        assertDoesNotThrow(() -> StripeSignature.verify(SECRET, header, BODY, NOW.plusSeconds(300)));
        assertDoesNotThrow(() -> StripeSignature.verify(SECRET, header, BODY, NOW.minusSeconds(300)));
        assertCode("STALE_WEBHOOK", header, BODY, NOW.plusSeconds(301));
        assertCode("STALE_WEBHOOK", header, BODY, NOW.minusSeconds(301));
    }

    @Test
    void refusesMissingOrUnreadableHeaders() {
        assertCode("INVALID_SIGNATURE", null, BODY, NOW);
        assertCode("INVALID_SIGNATURE", "", BODY, NOW);
        assertCode("INVALID_SIGNATURE", "t=" + NOW.getEpochSecond(), BODY, NOW);
        assertCode("INVALID_SIGNATURE", "v1=" + "00".repeat(32), BODY, NOW);
        assertCode("INVALID_SIGNATURE", "t=soon,v1=00", BODY, NOW);
        assertCode("INVALID_SIGNATURE", "t=" + NOW.getEpochSecond() + ",v1=zz", BODY, NOW);
    }

    private static void assertCode(String code, String header, byte[] body, Instant now) {
        InvalidWebhookException e = assertThrows(InvalidWebhookException.class,
                () -> StripeSignature.verify(SECRET, header, body, now));
        assertEquals(code, e.code());
    }
}
