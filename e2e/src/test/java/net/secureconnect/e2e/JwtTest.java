package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class JwtTest {

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void resignKeepsHeaderAndClaimsAndChangesTheSignature() {
        String token = b64("{\"alg\":\"RS256\",\"kid\":\"k1\"}") + "." + b64("{\"sub\":\"s\",\"exp\":1}") + ".c2ln";
        String forged = Jwt.resignWithOwnKey(token);
        String[] a = token.split("\\.");
        String[] b = forged.split("\\.");
        assertEquals(a[0], b[0]);
        assertEquals(a[1], b[1]);
        assertNotEquals(a[2], b[2]);
        assertEquals("k1", Jwt.header(forged).get("kid").asText());
        assertEquals("s", Jwt.claims(forged).get("sub").asText());
    }
}
