package net.secureconnect.identity.service;

import net.secureconnect.runtime.rest.ProblemException;

/**
 * Every refusal identity-service makes on its own, with its stable code (clients branch on the code;
 * title and detail are prose). Codes of the shared mappers (MALFORMED_JSON, VALIDATION_FAILED, NOT_FOUND,
 * FORBIDDEN, …) come from service-runtime.
 */
public final class IdentityProblems {

    public static final String NOT_ACCOUNT_OWNER = "NOT_ACCOUNT_OWNER";
    public static final String ACCOUNT_NOT_FOUND = "ACCOUNT_NOT_FOUND";
    public static final String DEVICE_NOT_FOUND = "DEVICE_NOT_FOUND";
    public static final String USERNAME_NOT_FOUND = "USERNAME_NOT_FOUND";
    public static final String USERNAME_TAKEN = "USERNAME_TAKEN";
    public static final String DEVICE_LIMIT_REACHED = "DEVICE_LIMIT_REACHED";
    public static final String INVALID_SIGNATURE = "INVALID_SIGNATURE";
    public static final String IDENTITY_KEY_CHANGED = "IDENTITY_KEY_CHANGED";
    public static final String DUPLICATE_KEY_ID = "DUPLICATE_KEY_ID";
    public static final String EMPTY_KEY_UPLOAD = "EMPTY_KEY_UPLOAD";
    public static final String CONCURRENT_MODIFICATION = "CONCURRENT_MODIFICATION";
    public static final String SUBJECT_MISSING = "SUBJECT_MISSING";
    public static final String RATE_LIMITED = "RATE_LIMITED";
    public static final String KEM_PREKEY_REQUIRED = "KEM_PREKEY_REQUIRED";

    private IdentityProblems() {
    }

    public static ProblemException notAccountOwner() {
        return new ProblemException(403, NOT_ACCOUNT_OWNER, "Not your account",
                "Only the account's owner may do this.");
    }

    public static ProblemException accountNotFound() {
        return new ProblemException(404, ACCOUNT_NOT_FOUND, "Account not found", "There is no such account.");
    }

    public static ProblemException deviceNotFound() {
        return new ProblemException(404, DEVICE_NOT_FOUND, "Device not found", "The account has no such device.");
    }

    public static ProblemException usernameNotFound() {
        return new ProblemException(404, USERNAME_NOT_FOUND, "Username not found", "No account has this username.");
    }

    public static ProblemException usernameTaken() {
        return new ProblemException(409, USERNAME_TAKEN, "Username taken", "Another account holds this username.");
    }

    public static ProblemException deviceLimitReached(int max) {
        return new ProblemException(409, DEVICE_LIMIT_REACHED, "Device limit reached",
                "An account may have at most " + max + " devices; remove one first.");
    }

    public static ProblemException invalidSignature(String field) {
        return new ProblemException(422, INVALID_SIGNATURE, "Invalid signature",
                field + " does not verify with the device's identity key.");
    }

    public static ProblemException identityKeyChanged() {
        return new ProblemException(409, IDENTITY_KEY_CHANGED, "Identity key changed",
                "The device's identity key changed while the keys were uploaded; sign them with the new key.");
    }

    public static ProblemException duplicateKeyId(String field, int keyId) {
        return new ProblemException(400, DUPLICATE_KEY_ID, "Duplicate key id",
                field + " lists key id " + keyId + " more than once.");
    }

    public static ProblemException kemPrekeyRequired() {
        return new ProblemException(400, KEM_PREKEY_REQUIRED, "Post-quantum prekey required",
                "A device registration must carry kemLastResortPrekey (ML-KEM-768): clients refuse bundles without one.");
    }

    public static ProblemException emptyKeyUpload() {
        return new ProblemException(400, EMPTY_KEY_UPLOAD, "Nothing to upload",
                "A key upload needs at least one of signedPrekey, kemLastResortPrekey, oneTimePrekeys, kemOneTimePrekeys.");
    }

    public static ProblemException concurrentModification() {
        return new ProblemException(409, CONCURRENT_MODIFICATION, "Concurrent modification",
                "The account changed while this request was applied; try again.");
    }

    public static ProblemException subjectMissing() {
        return new ProblemException(403, SUBJECT_MISSING, "No subject",
                "The token has no subject ('sub') to bind an account to.");
    }
}
