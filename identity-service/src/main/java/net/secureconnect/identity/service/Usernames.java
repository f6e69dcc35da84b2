package net.secureconnect.identity.service;

import net.secureconnect.identity.model.Limits;

import java.util.Locale;
import java.util.regex.Pattern;

/** The username rules: which spellings are names, and which spellings are the same name. */
public final class Usernames {

    private static final Pattern VALID = Pattern.compile(Limits.USERNAME_PATTERN);

    private Usernames() {
    }

    public static boolean isValid(String username) {
        return username != null && VALID.matcher(username).matches();
    }

    /** The uniqueness key: ASCII lower case (the charset is ASCII, so no Unicode folding is needed). */
    public static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }
}
