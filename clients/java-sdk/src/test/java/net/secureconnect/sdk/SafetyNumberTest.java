package net.secureconnect.sdk;

import net.secureconnect.sdk.crypto.Sodium;
import net.secureconnect.sdk.safety.SafetyNumber;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetyNumberTest {

    private final byte[] alice = Sodium.ed25519Generate().publicKey();
    private final byte[] bob1 = Sodium.ed25519Generate().publicKey();
    private final byte[] bob2 = Sodium.ed25519Generate().publicKey();

    @Test
    void bothSidesSeeTheSameSixtyDigits() {
        SafetyNumber fromAlice = SafetyNumber.of("a", List.of(alice), "b", List.of(bob1, bob2));
        SafetyNumber fromBob = SafetyNumber.of("b", List.of(bob2, bob1), "a", List.of(alice));
        assertEquals(60, fromAlice.digits().length());
        assertTrue(fromAlice.digits().chars().allMatch(Character::isDigit));
        assertEquals(fromAlice.digits(), fromBob.digits());
        assertEquals(fromAlice.qrText(), fromBob.qrText());
        assertTrue(fromBob.matchesQr(fromAlice.qrText()));
        assertTrue(fromAlice.qrText().matches("SC1:[0-9A-F]{64}:[0-9A-F]{64}"));
        assertEquals(12 * 5 + 11, fromAlice.displayed().length());
    }

    @Test
    void anotherKeyOrAccountChangesTheNumber() {
        SafetyNumber original = SafetyNumber.of("a", List.of(alice), "b", List.of(bob1));
        SafetyNumber newDevice = SafetyNumber.of("a", List.of(alice), "b", List.of(bob1, bob2));
        SafetyNumber otherAccount = SafetyNumber.of("a", List.of(alice), "c", List.of(bob1));
        assertNotEquals(original.digits(), newDevice.digits());
        assertNotEquals(original.digits(), otherAccount.digits());
        assertFalse(original.matchesQr(newDevice.qrText()));
    }
}
