package net.secureconnect.sdk.messaging;

import net.secureconnect.sdk.api.IdentityClient;
import net.secureconnect.sdk.keys.DeviceBundle;

import java.util.List;

/** The key directory as the {@link Messenger} needs it (identity-service, or a fake in tests). */
public interface KeyDirectory {

    /** Bundles of every device of an account (claims one one-time prekey of each). */
    List<DeviceBundle> bundles(String accountId);

    DeviceBundle bundle(String accountId, int deviceId);

    /** The current devices of the caller's own account. */
    List<Integer> ownDevices();

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
        };
    }
}
