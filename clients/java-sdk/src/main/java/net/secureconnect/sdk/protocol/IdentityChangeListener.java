package net.secureconnect.sdk.protocol;

import net.secureconnect.sdk.keys.DeviceAddress;

/**
 * Told when a new session with a device carries another identity key than the session it replaces (a
 * reinstalled device, or an attack): the place to warn that the safety number changed.
 */
@FunctionalInterface
public interface IdentityChangeListener {

    IdentityChangeListener NONE = (device, previousKey, newKey) -> { };

    void identityChanged(DeviceAddress device, byte[] previousKey, byte[] newKey);
}
