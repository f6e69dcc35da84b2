package net.secureconnect.bench.sdk;

import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.keys.DeviceBundle;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.protocol.InMemoryProtocolStore;
import net.secureconnect.sdk.protocol.SessionCipher;
import net.secureconnect.sdk.protocol.SessionState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * PQXDH session setup and encrypt+decrypt of a 1 KiB message (random 24-byte nonce per message), in memory
 * (no disk), single thread. Targets (issue 6): initiator setup below 1 ms, encrypt+decrypt below 100 µs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class SdkBenchmark {

    private static final DeviceAddress ALICE = new DeviceAddress("alice", 1);
    private static final DeviceAddress BOB = new DeviceAddress("bob", 1);

    private LocalDevice aliceDevice;
    private LocalDevice bobDevice;
    private DeviceBundle bobBundleSignedOnly;
    private DeviceBundle bobBundleWithKemLastResort;
    private SessionCipher alice;
    private SessionCipher bob;
    private SessionCipher bobForSetup;
    private byte[] message;

    @Setup
    public void setUp() {
        aliceDevice = LocalDevice.generate();
        bobDevice = LocalDevice.generate();
        bobDevice.generateOneTimePrekeys(1);
        bobBundleSignedOnly = bobDevice.bundle("bob", 1, null);
        bobBundleWithKemLastResort = bobDevice.bundleWithKem("bob", 1, 1, null);
        message = new byte[1024];
        alice = new SessionCipher(new InMemoryProtocolStore(aliceDevice));
        bob = new SessionCipher(new InMemoryProtocolStore(bobDevice));
        bobForSetup = new SessionCipher(new InMemoryProtocolStore(bobDevice));
        // An established session: first message and a reply, so both sides have sending chains.
        alice.startSession(bobBundleSignedOnly);
        bob.decrypt(ALICE, alice.encrypt(BOB, message));
        alice.decrypt(BOB, bob.encrypt(ALICE, message));
    }

    /**
     * PQXDH initiator (X3DH alone is refused since issue 15): 3 Ed25519 signature checks, 4 X25519, an ML-KEM-768
     * encapsulation, HKDF, the pin check, 1 X25519 + HKDF for the first ratchet step, 2 key generations.
     */
    @Benchmark
    public SessionState pqxdhInitiate() {
        SessionCipher fresh = new SessionCipher(new InMemoryProtocolStore(aliceDevice));
        return fresh.startSession(bobBundleWithKemLastResort);
    }

    /** PQXDH, both sides with the first message (the responder also decapsulates; last-resort KEM key). */
    @Benchmark
    public byte[] pqxdhSetupBothSidesWithFirstMessage() {
        SessionCipher fresh = new SessionCipher(new InMemoryProtocolStore(aliceDevice));
        fresh.startSession(new net.secureconnect.sdk.keys.DeviceBundle(bobBundleWithKemLastResort.accountId(),
                bobBundleWithKemLastResort.deviceId(), bobBundleWithKemLastResort.registrationId(),
                bobBundleWithKemLastResort.identityKey(), bobBundleWithKemLastResort.agreementKey(),
                bobBundleWithKemLastResort.agreementKeySignature(), bobBundleWithKemLastResort.signedPrekeyId(),
                bobBundleWithKemLastResort.signedPrekey(), bobBundleWithKemLastResort.signedPrekeySignature(), null, null,
                bobBundleWithKemLastResort.kemPrekeyId(), bobBundleWithKemLastResort.kemPrekey(),
                bobBundleWithKemLastResort.kemPrekeySignature(), true));
        return bobForSetup.decrypt(ALICE, fresh.encrypt(BOB, message));
    }

    /** The common case: another message in the current chain (HMAC chain step, XChaCha20-Poly1305). */
    @Benchmark
    public byte[] encryptDecrypt1KiB() {
        return bob.decrypt(ALICE, alice.encrypt(BOB, message));
    }

    /** A reply after every message: each decryption also performs a DH ratchet step (2 X25519 + 2 HKDF). */
    @Benchmark
    public byte[] encryptDecrypt1KiBWithRatchetStep() {
        bob.decrypt(ALICE, alice.encrypt(BOB, message));
        return alice.decrypt(BOB, bob.encrypt(ALICE, message));
    }
}
