package net.secureconnect.sdk.store;

/**
 * Argon2id cost of the profile key (libsodium crypto_pwhash, ALG_ARGON2ID13). Stored in profile.json, so
 * a profile opens with the parameters it was created with.
 */
public record KdfParameters(long opsLimit, long memLimit) {

    /** libsodium's OPSLIMIT_MODERATE / MEMLIMIT_MODERATE: about a second, 256 MiB. */
    public static final KdfParameters MODERATE = new KdfParameters(3, 256L * 1024 * 1024);
    /** libsodium's OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE: 64 MiB. The default. */
    public static final KdfParameters INTERACTIVE = new KdfParameters(2, 64L * 1024 * 1024);
    /** Tests only: the smallest costs libsodium accepts. */
    public static final KdfParameters MINIMUM_FOR_TESTS = new KdfParameters(1, 8L * 1024);
}
