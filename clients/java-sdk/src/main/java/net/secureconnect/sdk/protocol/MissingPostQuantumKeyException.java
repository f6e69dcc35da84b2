package net.secureconnect.sdk.protocol;

import net.secureconnect.sdk.ProtocolException;
import net.secureconnect.sdk.keys.DeviceAddress;

/** A bundle without the ML-KEM-768 prekey: no session is set up with that device (docs/protocol-crypto.md §3). */
public final class MissingPostQuantumKeyException extends ProtocolException {

    private final DeviceAddress device;

    public MissingPostQuantumKeyException(DeviceAddress device) {
        super("device " + device.deviceId() + " of " + device.accountId()
                + " has no post-quantum key: it must register again with a current client");
        this.device = device;
    }

    public DeviceAddress device() {
        return device;
    }
}
