package net.secureconnect.sdk.trust;

import net.secureconnect.sdk.keys.DeviceAddress;

/**
 * Told about what the user must see (docs/protocol-crypto.md §10): devices added to a known account or to
 * one's own, and identity keys refused because they differ from the pin. Called synchronously, before
 * anything is encrypted to a new device.
 */
public interface TrustListener {

    TrustListener NONE = new TrustListener() {
    };

    /**
     * A device was added to an account already known ({@code ownAccount}: to this device's own account).
     * {@code accepted} is false when the contact is verified: the device stays refused until accepted.
     */
    default void deviceAdded(DeviceAddress device, byte[] identityKey, boolean ownAccount, boolean accepted) {
    }

    /** A key other than the pinned one was offered for a device and refused. */
    default void identityRefused(UntrustedIdentityException refusal) {
    }

    /**
     * A message could not be accepted (refused identity, X3DH downgrade, does not authenticate, unknown prekey):
     * it is acked and will never decrypt, so the user is told rather than the message vanishing.
     */
    default void undecryptable(DeviceAddress from, String reason) {
    }

    /**
     * A session with a peer device was reset (docs/protocol-crypto.md §5.4). {@code requestedHere}: this device
     * could not decrypt a message from {@code peer} and sent it a new PQXDH session with a reset request;
     * otherwise {@code peer} could not decrypt a message of this device and did so (messages this device sent it
     * before may not have been read).
     */
    default void sessionReset(DeviceAddress peer, boolean requestedHere) {
    }
}
