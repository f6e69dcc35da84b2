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
 * Bearer tokens for tests, shaped like the local Keycloak's (subject, preferred_username, realm roles,
 * {@code azp}), signed with the RSA test key that quarkus-test-oidc-server ships. Never used outside tests.
 *
 * <p>A user's token is issued to the CLI client ({@link #USER_CLIENT}) and, when no roles are named,
 * carries the realm's default role {@code user}, as every user of the realm has. Hostile variants:
 * {@link #withoutRoles}, {@link #serviceAccount} (client credentials) and {@link #viaClient} (a client
 * outside the services' allow-list).
 */
public final class TestTokens {

    public static final String ISSUER = "https://issuer.secureconnect.test/realms/secureconnect";
    /** The audience the services require (the realm adds it to every token). */
    public static final String AUDIENCE = "secureconnect-api";
    /** The client a user's token is issued to by default: the CLI, on the services' allow-list. */
    public static final String USER_CLIENT = "secureconnect-cli";
    private static final String KEY_ID = "1";
    private static final String[] DEFAULT_ROLES = {"user"};

    private TestTokens() {
    }

    /** The subject a test user gets: stable per username, like an OIDC provider's user id. */
    public static String subjectOf(String username) {
        return UUID.nameUUIDFromBytes(("test-user:" + username).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** A valid five-minute token for the user with the given realm roles ({@code user} when none are named). */
    public static String forUser(String username, String... roles) {
        return build(USER_CLIENT, username, Instant.now(), Duration.ofMinutes(5), roles(roles),
                testKey().getRsaPrivateKey());
    }

    /** A valid token of a user whose realm roles were all taken away (e.g. role {@code user} revoked). */
    public static String withoutRoles(String username) {
        return build(USER_CLIENT, username, Instant.now(), Duration.ofMinutes(5), Set.of(), testKey().getRsaPrivateKey());
    }

    /** A valid user token obtained through another client ({@code azp}), e.g. one the services do not list. */
    public static String viaClient(String clientId, String username, String... roles) {
        return build(clientId, username, Instant.now(), Duration.ofMinutes(5), roles(roles), testKey().getRsaPrivateKey());
    }

    /**
     * A client-credentials token of a service account, as Keycloak issues it: {@code azp} is the client,
     * the subject is the service-account user, the audience is the API's. {@code roles} are its realm
     * roles (none in the SecureConnect realm; a test may grant {@code user} to see the allow-list refuse it).
     */
    public static String serviceAccount(String clientId, String... roles) {
        return build(clientId, "service-account-" + clientId, Instant.now(), Duration.ofMinutes(5), Set.of(roles),
                testKey().getRsaPrivateKey());
    }

    /** A valid token that expires after {@code lifetime} (e.g. to see a connection closed on expiry). */
    public static String expiringIn(String username, Duration lifetime, String... roles) {
        return build(USER_CLIENT, username, Instant.now(), lifetime, roles(roles), testKey().getRsaPrivateKey());
    }

    /** A token that expired a minute ago. */
    public static String expired(String username, String... roles) {
        return build(USER_CLIENT, username, Instant.now().minus(Duration.ofMinutes(6)), Duration.ofMinutes(5),
                roles(roles), testKey().getRsaPrivateKey());
    }

    /** A validly signed token minted for another API (wrong audience). */
    public static String forAnotherAudience(String username, String... roles) {
        Instant now = Instant.now();
        return Jwt.issuer(ISSUER).audience("some-other-api").subject(subjectOf(username))
                .preferredUserName(username).claim("azp", USER_CLIENT).claim("realm_access", Map.of("roles", roles(roles)))
                .issuedAt(now).expiresAt(now.plus(Duration.ofMinutes(5)))
                .jws().keyId(KEY_ID).sign(testKey().getRsaPrivateKey());
    }

    /** A token with the right claims but signed by a key the services do not trust. */
    public static String signedByAnotherKey(String username, String... roles) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return build(USER_CLIENT, username, Instant.now(), Duration.ofMinutes(5), roles(roles),
                    generator.generateKeyPair().getPrivate());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The test public key as quarkus.oidc.public-key wants it (base64 SubjectPublicKeyInfo). */
    public static String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(testKey().getRsaPublicKey().getEncoded());
    }

    private static Set<String> roles(String... roles) {
        return Set.of(roles.length == 0 ? DEFAULT_ROLES : roles);
    }

    private static String build(String client, String username, Instant issuedAt, Duration lifetime,
                                Set<String> roles, PrivateKey key) {
        return Jwt.issuer(ISSUER)
                .audience(AUDIENCE)
                .claim("azp", client)
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
