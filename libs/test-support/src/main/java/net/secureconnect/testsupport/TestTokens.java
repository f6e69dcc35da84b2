package net.secureconnect.testsupport;

import io.smallrye.jwt.build.Jwt;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Bearer tokens for tests, shaped like the local Keycloak's (subject, preferred_username, realm roles),
 * signed with the RSA test key that quarkus-test-oidc-server ships. Never used outside tests.
 */
public final class TestTokens {

    public static final String ISSUER = "https://issuer.secureconnect.test/realms/secureconnect";
    /** The audience the services require (the realm adds it to every token). */
    public static final String AUDIENCE = "secureconnect-api";
    private static final String KEY_ID = "1";

    private TestTokens() {
    }

    /** The subject a test user gets: stable per username, like an OIDC provider's user id. */
    public static String subjectOf(String username) {
        return UUID.nameUUIDFromBytes(("test-user:" + username).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** A valid five-minute token for the user with the given realm roles. */
    public static String forUser(String username, String... roles) {
        return build(username, Instant.now(), Duration.ofMinutes(5), Set.of(roles), testKey().getRsaPrivateKey());
    }

    /** A valid token that expires after {@code lifetime} (e.g. to see a connection closed on expiry). */
    public static String expiringIn(String username, Duration lifetime, String... roles) {
        return build(username, Instant.now(), lifetime, Set.of(roles), testKey().getRsaPrivateKey());
    }

    /** A token that expired a minute ago. */
    public static String expired(String username, String... roles) {
        return build(username, Instant.now().minus(Duration.ofMinutes(6)), Duration.ofMinutes(5), Set.of(roles),
                testKey().getRsaPrivateKey());
    }

    /** A validly signed token minted for another API (wrong audience). */
    public static String forAnotherAudience(String username, String... roles) {
        Instant now = Instant.now();
        return Jwt.issuer(ISSUER).audience("some-other-api").subject(subjectOf(username))
                .preferredUserName(username).claim("realm_access", Map.of("roles", Set.of(roles)))
                .issuedAt(now).expiresAt(now.plus(Duration.ofMinutes(5)))
                .jws().keyId(KEY_ID).sign(testKey().getRsaPrivateKey());
    }

    /** A token with the right claims but signed by a key the services do not trust. */
    public static String signedByAnotherKey(String username, String... roles) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return build(username, Instant.now(), Duration.ofMinutes(5), Set.of(roles),
                    generator.generateKeyPair().getPrivate());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The test public key as quarkus.oidc.public-key wants it (base64 SubjectPublicKeyInfo). */
    public static String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(testKey().getRsaPublicKey().getEncoded());
    }

    private static String build(String username, Instant issuedAt, Duration lifetime, Set<String> roles,
                                PrivateKey key) {
        return Jwt.issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(subjectOf(username))
                .preferredUserName(username)
                .claim("realm_access", Map.of("roles", roles))
                .issuedAt(issuedAt)
                .expiresAt(issuedAt.plus(lifetime))
                .jws().keyId(KEY_ID)
                .sign(key);
    }

    private static RsaJsonWebKey testKey() {
        try (InputStream in = TestTokens.class.getClassLoader().getResourceAsStream("privateKey.jwk")) {
            if (in == null) {
                throw new IllegalStateException("privateKey.jwk not on the classpath (quarkus-test-oidc-server)");
            }
            return (RsaJsonWebKey) JsonWebKey.Factory.newJwk(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | JoseException e) {
            throw new IllegalStateException("cannot read the test key", e);
        }
    }
}
