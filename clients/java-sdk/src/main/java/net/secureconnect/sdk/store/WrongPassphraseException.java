package net.secureconnect.sdk.store;

/** The passphrase does not open this profile. Nothing was read or changed. */
public class WrongPassphraseException extends Exception {
    public WrongPassphraseException(String profile) {
        super("wrong passphrase for profile '" + profile + "'");
    }
}
