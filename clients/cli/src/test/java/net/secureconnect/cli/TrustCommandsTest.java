package net.secureconnect.cli;

import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.messaging.MessageLog;
import net.secureconnect.sdk.protocol.SessionCipher;
import net.secureconnect.sdk.safety.SafetyNumber;
import net.secureconnect.sdk.store.KdfParameters;
import net.secureconnect.sdk.store.ProfileStore;
import net.secureconnect.sdk.trust.Fingerprint;
import net.secureconnect.sdk.trust.UntrustedIdentityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * safety-number, verify and trust work from the pinned keys alone (no server is reachable here): the number is
 * the one over the keys actually pinned, a wrong number verifies nothing, and a substituted key the SDK refused
 * is only used after 'sc trust'.
 */
class TrustCommandsTest {

    private static final String PASS = "correct horse battery staple";

    @TempDir
    Path home;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        URI closed = URI.create("http://127.0.0.1:9/");
        CliEnvironment env = new CliEnvironment(home, URI.create(closed + "realms/secureconnect"), closed,
                URI.create("ws://127.0.0.1:9/"), closed, closed, PASS, null, null);
        return SecureConnectCli.run(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void safetyNumberVerifyAndTrustUseOnlyPinnedKeys() throws Exception {
        LocalDevice alice = LocalDevice.generate();
        alice.registered("alice-acct", 1);
        LocalDevice bob = LocalDevice.generate();
        LocalDevice mallory = LocalDevice.generate();
        try (ProfileStore store = ProfileStore.create(home, "alice", PASS.toCharArray(), alice, KdfParameters.MINIMUM_FOR_TESTS)) {
            SessionCipher cipher = new SessionCipher(store);
            cipher.startSession(bob.bundle("bob-acct", 1, null)); // first contact: bob's key pinned
            new MessageLog(store).devices("bob-acct", List.of(1));
            store.writeDocument("usernames", SecureConnectCli.node().put("bob-acct", "bob"));
            // The server later serves mallory's key as bob/1: refused, kept as pending.
            assertThrows(UntrustedIdentityException.class, () -> cipher.startSession(mallory.bundle("bob-acct", 1, null)));
        }
        String expected = SafetyNumber.of("alice-acct", List.of(alice.identity().publicKey()),
                "bob-acct", List.of(bob.identity().publicKey())).digits();

        assertEquals(0, run("--profile", "alice", "safety-number", "bob"), err.toString());
        String shown = out.toString();
        assertTrue(shown.replaceAll("\\s", "").contains(expected), "the number over the pinned (real) key: " + shown);
        assertTrue(shown.contains("device 1: " + Fingerprint.of(bob.identity().publicKey())), shown);
        assertTrue(shown.contains("key change pending: sc trust bob"), shown);
        assertTrue(shown.contains("bob is not verified"), shown);

        assertEquals(6, run("--profile", "alice", "verify", "bob", "1".repeat(60)));
        assertTrue(err.toString().contains("does NOT match"), err.toString());
        assertEquals(0, run("--profile", "alice", "verify", "bob", expected.substring(0, 30), expected.substring(30)), err.toString());
        assertEquals(0, run("--profile", "alice", "--json", "safety-number", "bob"));
        assertTrue(out.toString().contains("\"verified\":true"), out.toString());

        // Accepting the pending change (after comparing again) pins mallory's key and ends the verified state.
        assertEquals(0, run("--profile", "alice", "--json", "trust", "bob"), err.toString());
        assertTrue(out.toString().contains("\"accepted\":[1]") && out.toString().contains("\"wasVerified\":true"), out.toString());
        assertEquals(0, run("--profile", "alice", "safety-number", "bob"));
        String now = SafetyNumber.of("alice-acct", List.of(alice.identity().publicKey()),
                "bob-acct", List.of(mallory.identity().publicKey())).digits();
        assertTrue(out.toString().replaceAll("\\s", "").contains(now), out.toString());
        try (ProfileStore store = ProfileStore.open(home, "alice", PASS.toCharArray())) {
            new SessionCipher(store).startSession(mallory.bundle("bob-acct", 1, null)); // accepted now
            assertTrue(store.session(new DeviceAddress("bob-acct", 1)).isPresent());
        }
    }

    /** The error handler words a refusal after the command closed (and wiped) the profile: names were copied. */
    @Test
    void aRefusalIsWordedWithTheUsernameAfterTheProfileIsClosed() {
        LocalDevice alice = LocalDevice.generate();
        alice.registered("alice-acct", 1);
        ProfileStore.create(home, "alice", PASS.toCharArray(), alice, KdfParameters.MINIMUM_FOR_TESTS).close();
        CliEnvironment env = new CliEnvironment(home, URI.create("http://127.0.0.1:9/realms/x"), URI.create("http://127.0.0.1:9/"),
                URI.create("ws://127.0.0.1:9/"), URI.create("http://127.0.0.1:9/"), URI.create("http://127.0.0.1:9/"), PASS, null, null);
        SecureConnectCli cli = new SecureConnectCli(env, new PrintWriter(new StringWriter()));
        try (Profile p = Profile.open(env, "alice", false)) {
            p.rememberUsername("bob", "bob-acct");
            cli.rememberNames(p);
        }
        String text = cli.refusalText(new UntrustedIdentityException(new DeviceAddress("bob-acct", 2),
                UntrustedIdentityException.Reason.IDENTITY_CHANGED, false, new byte[32], new byte[] {1}));
        assertTrue(text.startsWith("refused: the identity key of bob device 2 changed"), text);
        assertTrue(text.endsWith("run 'sc trust bob'"), text);
    }

    @Test
    void aRefusedKeyIsExitCode6WithTheReasonInWords() {
        UntrustedIdentityException refusal = new UntrustedIdentityException(new DeviceAddress("bob-acct", 2),
                UntrustedIdentityException.Reason.IDENTITY_CHANGED, false, new byte[32], new byte[] {1, 2, 3});
        assertEquals(6, ExitCodes.of(refusal));
    }
}
