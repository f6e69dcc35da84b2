package net.secureconnect.sdk;

import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.keys.DeviceBundle;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.protocol.InMemoryProtocolStore;
import net.secureconnect.sdk.protocol.SessionCipher;

import java.nio.charset.StandardCharsets;

/** A test device: its keys, an in-memory store, a cipher, and its address. */
public final class Party {

    public final DeviceAddress address;
    public final LocalDevice device;
    public final SessionCipher cipher;

    public Party(String accountId, int deviceId) {
        this(new DeviceAddress(accountId, deviceId), LocalDevice.generate());
    }

    public Party(DeviceAddress address, LocalDevice device) {
        this(address, device, net.secureconnect.sdk.trust.TrustListener.NONE);
    }

    public Party(DeviceAddress address, LocalDevice device, net.secureconnect.sdk.trust.TrustListener listener) {
        this.address = address;
        this.device = device;
        this.device.generateOneTimePrekeys(5);
        this.cipher = new SessionCipher(new InMemoryProtocolStore(device), net.secureconnect.sdk.protocol.KeySource.RANDOM, listener);
    }

    /** A bundle as identity-service would serve it, with the lowest unused one-time prekey. */
    public DeviceBundle bundle() {
        Integer oneTime = device.oneTimePrekeys().keySet().stream().findFirst().orElse(null);
        return device.bundle(address.accountId(), address.deviceId(), oneTime);
    }

    public byte[] send(Party to, String text) {
        if (!cipher.hasSession(to.address)) {
            cipher.startSession(to.bundle());
        }
        return cipher.encrypt(to.address, text.getBytes(StandardCharsets.UTF_8));
    }

    public String receive(Party from, byte[] message) {
        return new String(cipher.decrypt(from.address, message), StandardCharsets.UTF_8);
    }
}
