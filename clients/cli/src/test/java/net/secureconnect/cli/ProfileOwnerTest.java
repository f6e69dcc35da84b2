package net.secureconnect.cli;

import net.secureconnect.sdk.api.OidcClient;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.store.KdfParameters;
import net.secureconnect.sdk.store.ProfileStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A profile is one device of one account: the first login records its user, a login as anyone else is refused and
 * leaves the stored session as it was (the device flow lets whoever approves the code decide whose tokens arrive).
 * The tokens here are built by the test: only their claims matter to this rule; e2e's CliIT does it with Keycloak's.
 */
class ProfileOwnerTest {

    private static final String PASS = "correct horse battery staple";

    @TempDir
    Path home;

    private Profile open() {
        URI closed = URI.create("http://127.0.0.1:9/");
        return Profile.open(new CliEnvironment(home, URI.create(closed + "realms/secureconnect"), closed,
                URI.create("ws://127.0.0.1:9/"), closed, closed, PASS, null, null), "p", false);
    }

    private static OidcClient.Tokens tokenOf(String sub, String username) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String claims = "{\"sub\":\"" + sub + "\",\"preferred_username\":\"" + username + "\",\"azp\":\"secureconnect-cli\"}";
        String jwt = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
        return new OidcClient.Tokens(jwt, "refresh-" + username, Instant.now().plusSeconds(300));
    }

    @Test
    void theFirstLoginOwnsTheProfileAndAnotherUserIsRefusedWithNothingStored() throws Exception {
        ProfileStore.create(home, "p", PASS.toCharArray(), LocalDevice.generate(), KdfParameters.MINIMUM_FOR_TESTS).close();
        try (Profile p = open()) {
            assertEquals("alice", p.saveLogin(tokenOf("sub-alice", "alice"), false).username());
        }
        try (Profile p = open()) {
            ExitCodes.CliException refused = assertThrows(ExitCodes.CliException.class,
                    () -> p.saveLogin(tokenOf("sub-bob", "bob"), true));
            assertEquals(ExitCodes.AUTHENTICATION, ExitCodes.of(refused));
            assertTrue(refused.getMessage().contains("belongs to alice, but the code was approved as bob; nothing was stored"
                    + " (the session of alice stays)"), refused.getMessage());
            ExitCodes.CliException typed = assertThrows(ExitCodes.CliException.class,
                    () -> p.saveLogin(tokenOf("sub-bob", "bob"), false));
            assertTrue(typed.getMessage().contains("belongs to alice, not bob; nothing was stored"), typed.getMessage());
            assertEquals("refresh-alice", p.tokens().orElseThrow().refreshToken(), "alice's session stays");
            // The owner again (a new session after the old one expired): accepted.
            p.saveLogin(tokenOf("sub-alice", "alice"), false);
            // Logged out: still alice's profile, a stranger's login still refused.
            p.forgetTokens();
            assertThrows(ExitCodes.CliException.class, () -> p.saveLogin(tokenOf("sub-bob", "bob"), true));
            assertFalse(p.tokens().isPresent(), "nothing stored");
            // The same username under another sub (a re-created account of that name) is someone else too.
            ExitCodes.CliException renamed = assertThrows(ExitCodes.CliException.class,
                    () -> p.saveLogin(tokenOf("sub-alice-2", "alice"), false));
            assertTrue(renamed.getMessage().contains("was set up for another account named alice"), renamed.getMessage());
        }
    }

    @Test
    void aProfileFromBeforeTheOwnerRecordIsOwnedByItsStoredSession() throws Exception {
        ProfileStore.create(home, "p", PASS.toCharArray(), LocalDevice.generate(), KdfParameters.MINIMUM_FOR_TESTS).close();
        try (Profile p = open()) {
            p.saveTokens(tokenOf("sub-alice", "alice")); // what older versions stored, without an owner record
            assertThrows(ExitCodes.CliException.class, () -> p.saveLogin(tokenOf("sub-bob", "bob"), true));
            assertEquals("alice", p.saveLogin(tokenOf("sub-alice", "alice"), false).username());
            // From now on the owner is recorded: logged out, a stranger is still refused.
            p.forgetTokens();
            assertThrows(ExitCodes.CliException.class, () -> p.saveLogin(tokenOf("sub-bob", "bob"), true));
        }
    }

    @Test
    void aTokenWithoutSubjectIsNotStored() throws Exception {
        ProfileStore.create(home, "p", PASS.toCharArray(), LocalDevice.generate(), KdfParameters.MINIMUM_FOR_TESTS).close();
        try (Profile p = open()) {
            assertThrows(ExitCodes.CliException.class,
                    () -> p.saveLogin(new OidcClient.Tokens("not-a-jwt", null, Instant.now().plusSeconds(60)), false));
            assertFalse(p.tokens().isPresent());
        }
    }
}
