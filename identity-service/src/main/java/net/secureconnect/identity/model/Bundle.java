package net.secureconnect.identity.model;

import java.util.List;

/** What a peer needs to start X3DH (or PQXDH) sessions with an account's devices. */
public record Bundle(String accountId, List<DeviceBundle> devices) {

    /**
     * @param oneTimePrekey null when the device had none left
     * @param kemPrekey     a one-time post-quantum key, else the last-resort one, else null
     */
    public record DeviceBundle(Device device, Prekeys.OneTime oneTimePrekey, Prekeys.Kem kemPrekey,
                               boolean kemLastResort) {
    }
}
