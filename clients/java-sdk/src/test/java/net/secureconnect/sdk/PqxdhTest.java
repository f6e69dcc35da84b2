package net.secureconnect.sdk;

import net.secureconnect.sdk.crypto.Sodium;
import net.secureconnect.sdk.keys.DeviceBundle;
import net.secureconnect.sdk.keys.InvalidSignatureException;
import net.secureconnect.sdk.keys.KemPrekey;
import net.secureconnect.sdk.protocol.InvalidMessageException;
import net.secureconnect.sdk.protocol.SessionState;
import net.secureconnect.sdk.protocol.WireMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PQXDH: X3DH plus an ML-KEM-768 encapsulation to the responder's signed post-quantum prekey. */
class PqxdhTest {

    private final Party alice = new Party("alice", 1);
    private final Party bob = new Party("bob", 1);

    @Test
    void oneTimeKemPrekeySetsUpAHybridSessionAndIsConsumed() {
        KemPrekey kem = bob.device.generateKemOneTimePrekeys(2).get(0);
        alice.cipher.startSession(bob.device.bundleWithKem("bob", 1, 1, kem.keyId()));
        byte[] first = encrypt(alice, bob, "post-quantum hello");
        assertEquals(WireMessage.PQ_PREKEY, first[0]);
        assertEquals(1 + 168 + 1093 + 64 + "post-quantum hello".length() + 16, first.length);

        byte[] tampered = first.clone();
        tampered[1 + 168 + 5 + 100] ^= 1; // inside the ML-KEM ciphertext: implicit rejection, AEAD fails
        assertThrows(InvalidMessageException.class, () -> bob.receive(alice, tampered));
        assertTrue(bob.device.kemOneTimePrekey(kem.keyId()).isPresent());

        assertEquals("post-quantum hello", bob.receive(alice, first));
        assertFalse(bob.device.kemOneTimePrekey(kem.keyId()).isPresent(), "one-time KEM prekey consumed");
        assertEquals("reply", alice.receive(bob, encrypt(bob, alice, "reply")));
        assertEquals(WireMessage.RATCHET, encrypt(alice, bob, "x")[0]);
    }

    @Test
    void lastResortKemPrekeyServesManyInitiators() {
        Party carol = new Party("carol", 1);
        alice.cipher.startSession(bob.device.bundleWithKem("bob", 1, null, null));
        carol.cipher.startSession(bob.device.bundleWithKem("bob", 1, null, null));
        assertEquals("from alice", bob.receive(alice, encrypt(alice, bob, "from alice")));
        assertEquals("from carol", bob.receive(carol, encrypt(carol, bob, "from carol")));
        assertTrue(bob.device.currentKemLastResortPrekey().isPresent());
    }

    @Test
    void badKemSignatureIsRefused() {
        DeviceBundle good = bob.device.bundleWithKem("bob", 1, null, null);
        DeviceBundle otherKey = new DeviceBundle(good.accountId(), good.deviceId(), good.registrationId(), good.identityKey(),
                good.agreementKey(), good.agreementKeySignature(), good.signedPrekeyId(), good.signedPrekey(),
                good.signedPrekeySignature(), null, null, good.kemPrekeyId(),
                net.secureconnect.sdk.crypto.MlKem768.generate().publicKey(), good.kemPrekeySignature(), true);
        assertThrows(InvalidSignatureException.class, () -> alice.cipher.startSession(otherKey));
    }

    @Test
    void pendingPostQuantumSetupSurvivesTheStateFile() {
        alice.cipher.startSession(bob.device.bundleWithKem("bob", 1, null, null));
        SessionState stored = alice.cipher.store().session(bob.address).orElseThrow();
        SessionState reloaded = SessionState.fromJson(stored.toJson());
        alice.cipher.store().storeSession(bob.address, reloaded);
        assertTrue(reloaded.postQuantumSetupPending());
        assertEquals("after reload", bob.receive(alice, encrypt(alice, bob, "after reload")));
        assertTrue(Sodium.constantTimeEquals(stored.baseKey(), reloaded.baseKey()));
    }

    private static byte[] encrypt(Party from, Party to, String text) {
        return from.cipher.encrypt(to.address, text.getBytes(StandardCharsets.UTF_8));
    }
}
