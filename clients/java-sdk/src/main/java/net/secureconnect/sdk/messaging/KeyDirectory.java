package net.secureconnect.sdk.messaging;

import net.secureconnect.sdk.api.IdentityClient;
import net.secureconnect.sdk.keys.LocalDevice;
import net.secureconnect.sdk.keys.DeviceBundle;

import java.util.List;

/** The key directory as the {@link Messenger} needs it (identity-service, or a fake in tests). */
public interface KeyDirectory {

    /** Bundles of every device of an account (claims one one-time prekey of each). */
    List<DeviceBundle> bundles(String accountId);

    DeviceBundle bundle(String accountId, int deviceId);

    /** The current devices of the caller's own account. */
    List<Integer> ownDevices();

    /**
     * Tops this device's one-time prekeys up on the server when few are left (every session another device
     * starts with us claims one); returns whether keys were generated and uploaded, so the caller persists them.
     */
    default boolean replenish(LocalDevice device) {
        return false;
    }

    static KeyDirectory of(IdentityClient identity) {
        return new KeyDirectory() {
            @Override
            public List<DeviceBundle> bundles(String accountId) {
                return identity.bundles(accountId);
            }

            @Override
            public DeviceBundle bundle(String accountId, int deviceId) {
                return identity.bundle(accountId, deviceId);
            }

            @Override
            public List<Integer> ownDevices() {
                return identity.me().deviceIds();
            }

            @Override
            public boolean replenish(LocalDevice device) {
                return identity.refillPrekeysIfLow(device.accountId().orElseThrow(), device.deviceId().orElseThrow(),
                        device).any();
            }
        };
    }
}
