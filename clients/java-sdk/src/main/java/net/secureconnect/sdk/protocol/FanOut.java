package net.secureconnect.sdk.protocol;

import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.keys.DeviceBundle;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One plaintext, encrypted once per device: every device of the recipient and every other device of
 * the sender's own account (so they see what was sent). Devices without a session get one from their
 * bundle first.
 */
public final class FanOut {

    /** Where the bundles of devices without a session come from (identity-service's bundle endpoint). */
    @FunctionalInterface
    public interface BundleSource {
        DeviceBundle bundle(DeviceAddress device);
    }

    /** One ciphertext addressed to one device. */
    public record Envelope(DeviceAddress to, byte[] message) {
    }

    private final SessionCipher cipher;
    private final BundleSource bundles;

    public FanOut(SessionCipher cipher, BundleSource bundles) {
        this.cipher = cipher;
        this.bundles = bundles;
    }

    /**
     * @param recipientDevices every device of the recipient account
     * @param ownDevices       every device of the sender's account; {@code self} is skipped
     */
    public List<Envelope> encrypt(byte[] plaintext, List<DeviceAddress> recipientDevices,
                                  List<DeviceAddress> ownDevices, DeviceAddress self) {
        Set<DeviceAddress> targets = new LinkedHashSet<>(recipientDevices);
        for (DeviceAddress own : ownDevices) {
            if (!own.equals(self)) {
                targets.add(own);
            }
        }
        List<Envelope> envelopes = new ArrayList<>(targets.size());
        for (DeviceAddress target : targets) {
            if (!cipher.hasSession(target)) {
                cipher.startSession(bundles.bundle(target));
            }
            envelopes.add(new Envelope(target, cipher.encrypt(target, plaintext)));
        }
        return envelopes;
    }
}
