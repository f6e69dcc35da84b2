package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The test vectors of RFC 6238, appendix B (SHA-1, 8 digits) and RFC 4648 base32. */
class TotpTest {

    private static final byte[] RFC_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

    @Test
    void rfc6238Sha1Vectors() {
        assertEquals("94287082", Totp.code(RFC_KEY, Totp.step(59), 8, "HmacSHA1"));
        assertEquals("07081804", Totp.code(RFC_KEY, Totp.step(1111111109), 8, "HmacSHA1"));
        assertEquals("14050471", Totp.code(RFC_KEY, Totp.step(1111111111), 8, "HmacSHA1"));
        assertEquals("89005924", Totp.code(RFC_KEY, Totp.step(1234567890), 8, "HmacSHA1"));
        assertEquals("69279037", Totp.code(RFC_KEY, Totp.step(2000000000), 8, "HmacSHA1"));
        assertEquals("65353130", Totp.code(RFC_KEY, Totp.step(20000000000L), 8, "HmacSHA1"));
    }

    @Test
    void sixDigitCodeIsTheLastSixDigits() {
        assertEquals("287082", Totp.code(RFC_KEY, Totp.step(59)));
    }

    @Test
    void base32() {
        assertArrayEquals("foobar".getBytes(StandardCharsets.US_ASCII), Totp.base32Decode("MZXW6YTBOI======"));
        assertArrayEquals(RFC_KEY, Totp.base32Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    }

    @Test
    void freshCodesNeverRepeatAStep() throws InterruptedException {
        Totp.FreshCodes codes = new Totp.FreshCodes("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assertNotEquals(codes.next(), codes.next());
    }
}
