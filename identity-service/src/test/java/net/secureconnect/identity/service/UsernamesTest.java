package net.secureconnect.identity.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UsernamesTest {

    @Test
    void theCharsetAndLengths() {
        assertTrue(Usernames.isValid("abc"));
        assertTrue(Usernames.isValid("A_b_9"));
        assertTrue(Usernames.isValid("a".repeat(32)));
        assertFalse(Usernames.isValid("a".repeat(33)));
        assertFalse(Usernames.isValid("ab"));
        assertFalse(Usernames.isValid("9abc"));
        assertFalse(Usernames.isValid("ab-c"));
        assertFalse(Usernames.isValid("abc\n"));
        assertFalse(Usernames.isValid("ａbc"));
        assertFalse(Usernames.isValid(null));
    }

    @Test
    void theKeyIgnoresAsciiCaseIndependentlyOfTheDefaultLocale() {
        java.util.Locale before = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr"));
            assertEquals("title_i", Usernames.key("TITLE_I"));
        } finally {
            java.util.Locale.setDefault(before);
        }
    }
}
