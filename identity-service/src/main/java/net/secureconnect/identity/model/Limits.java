package net.secureconnect.identity.model;

import net.secureconnect.contracts.DeviceAdded;

/** The fixed bounds of the key directory, checked at the edge. Configurable limits are in IdentityConfig. */
public final class Limits {

    /** Ed25519 and X25519 public keys. */
    public static final int KEY_BYTES = 32;
    /** Ed25519 signatures. */
    public static final int SIGNATURE_BYTES = 64;
    /** ML-KEM-768 encapsulation (public) key, FIPS 203. */
    public static final int KEM_PUBLIC_KEY_BYTES = 1184;
    /** One-time prekeys of one kind in one upload (Signal's limit). */
    public static final int MAX_ONE_TIME_PREKEYS_PER_UPLOAD = 100;
    /** Key ids are 24-bit, as in the Signal protocol. */
    public static final int MAX_KEY_ID = 0xFFFFFF;
    /** Registration ids are 14-bit; the contract's bound. */
    public static final int MAX_REGISTRATION_ID = DeviceAdded.MAX_REGISTRATION_ID;
    public static final int MIN_USERNAME_LENGTH = 3;
    public static final int MAX_USERNAME_LENGTH = 32;
    /** A letter, then letters, digits or underscores: no look-alikes, no separators to confuse. */
    public static final String USERNAME_PATTERN = "[A-Za-z][A-Za-z0-9_]{2,31}";

    private Limits() {
    }
}
