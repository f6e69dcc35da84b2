package net.secureconnect.sdk.protocol;

import net.secureconnect.sdk.keys.DeviceAddress;
import net.secureconnect.sdk.keys.LocalDevice;

import net.secureconnect.sdk.trust.IdentityPin;

import java.util.List;
import java.util.Optional;

/**
 * What the protocol needs kept: this device's keys, one session per peer device, and the X3DH base keys
 * already accepted (so a replayed session-setup message is refused). Implementations: in memory for
 * tests, {@code net.secureconnect.sdk.store.ProfileStore} encrypted on disk.
 */
public interface ProtocolStore {

    LocalDevice localDevice();

    /** Persists {@link #localDevice()} after a change (a one-time prekey consumed, keys generated). */
    void localDeviceChanged();

    /** The sessions kept for a device (current and earlier ones). */
    Optional<SessionRecord> sessionRecord(DeviceAddress address);

    /** Persists a device's record after any change to one of its sessions. */
    void storeSessionRecord(DeviceAddress address, SessionRecord record);

    /** The current session with a device. */
    default Optional<SessionState> session(DeviceAddress address) {
        return sessionRecord(address).map(SessionRecord::current);
    }

    /** Makes {@code session} the current one for the device, archiving the previous current one. */
    default void storeSession(DeviceAddress address, SessionState session) {
        SessionRecord record = sessionRecord(address).orElse(null);
        if (record == null) {
            record = new SessionRecord(session);
        } else if (record.current() != session) {
            record.replaceCurrent(session);
        }
        storeSessionRecord(address, record);
    }

    /** Drops every session with a device (its pinned identity was replaced). */
    void removeSessionRecord(DeviceAddress address);

    /**
     * Whether a setup message with this base key naming this signed prekey was already accepted (§5.1 step 2).
     * Base keys are remembered per signed prekey, as long as that prekey is kept, and forgotten with it.
     */
    boolean isBaseKeyKnown(int signedPrekeyId, byte[] baseKey);

    void rememberBaseKey(int signedPrekeyId, byte[] baseKey);

    /** The pin of a peer device (docs/protocol-crypto.md §10). */
    Optional<IdentityPin> pin(DeviceAddress device);

    /** Every pin of an account's devices, by device id. */
    List<IdentityPin> pins(String accountId);

    /** Stores (replaces) a pin, persisting it. */
    void storePin(IdentityPin pin);
}
