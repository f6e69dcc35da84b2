package net.secureconnect.sdk.trust;

import net.secureconnect.sdk.ProtocolException;
import net.secureconnect.sdk.keys.DeviceAddress;

/**
 * An identity key refused because it is not the pinned one (or belongs to a new device of a verified
 * contact): no session is created, nothing encrypted to it, nothing accepted from it, until the user accepts
 * the change ({@link TrustStore#accept}).
 */
public final class UntrustedIdentityException extends ProtocolException {

    public enum Reason { IDENTITY_CHANGED, NEW_DEVICE_OF_VERIFIED_CONTACT }

    private final DeviceAddress device;
    private final Reason reason;
    private final boolean verified;
    private final byte[] pinnedKey;
    private final byte[] offeredKey;

    public UntrustedIdentityException(DeviceAddress device, Reason reason, boolean verified, byte[] pinnedKey,
                                      byte[] offeredKey) {
        super(message(device, reason, verified, pinnedKey, offeredKey));
        this.device = device;
        this.reason = reason;
        this.verified = verified;
        this.pinnedKey = pinnedKey == null ? null : pinnedKey.clone();
        this.offeredKey = offeredKey.clone();
    }

    private static String message(DeviceAddress device, Reason reason, boolean verified, byte[] pinned, byte[] offered) {
        if (reason == Reason.NEW_DEVICE_OF_VERIFIED_CONTACT) {
            return "verified contact " + device.accountId() + " has a new device " + device.deviceId() + " (key "
                    + Fingerprint.of(offered) + "): refused until verified again";
        }
        return (verified ? "the identity key of VERIFIED contact " : "the identity key of ") + device.accountId()
                + " device " + device.deviceId() + " changed (was " + Fingerprint.of(pinned) + ", now "
                + Fingerprint.of(offered) + "): refused until accepted";
    }

    public DeviceAddress device() {
        return device;
    }

    public Reason reason() {
        return reason;
    }

    /** Whether the contact was verified (a hard stop: verify again in person before accepting). */
    public boolean verified() {
        return verified;
    }

    /** The pinned key; null for a new device. */
    public byte[] pinnedKey() {
        return pinnedKey == null ? null : pinnedKey.clone();
    }

    public byte[] offeredKey() {
        return offeredKey.clone();
    }
}
