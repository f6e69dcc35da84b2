package net.secureconnect.contracts;

import static net.secureconnect.contracts.EventSamples.ACCOUNT;
import static net.secureconnect.contracts.EventSamples.AT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/** The compact constructors refuse what no producer may publish, naming the field. */
class EventValidationTest {

    private static final WalletState ACTIVE = new WalletState(10, 1, WalletStatus.ACTIVE);
    private static final WalletState SUSPENDED = new WalletState(0, 2, WalletStatus.SUSPENDED);

    @Test
    void commonFieldsAreCheckedForEveryEvent() {
        refused("eventId", () -> new AccountCreated(null, AT, ACCOUNT));
        refused("eventId", () -> new AccountCreated("", AT, ACCOUNT));
        refused("eventId", () -> new AccountCreated("   ", AT, ACCOUNT));
        refused("eventId", () -> new AccountCreated("a b", AT, ACCOUNT));
        refused("eventId", () -> new AccountCreated("tab\t", AT, ACCOUNT));
        refused("eventId", () -> new AccountCreated("é", AT, ACCOUNT));
        refused("eventId", () -> new AccountCreated("x".repeat(Event.MAX_ID_LENGTH + 1), AT, ACCOUNT));
        refused("occurredAt", () -> new AccountCreated("e", null, ACCOUNT));
        refused("occurredAt", () -> new AccountCreated("e", Instant.EPOCH.minusNanos(1), ACCOUNT));
        refused("occurredAt", () -> new AccountCreated("e", Instant.parse("+10000-01-01T00:00:00Z"), ACCOUNT));
        refused("accountId", () -> new AccountDeleted("e", AT, null));
        refused("accountId", () -> new AccountDeleted("e", AT, " "));

        new AccountCreated("x".repeat(Event.MAX_ID_LENGTH), Instant.EPOCH, "!~");
    }

    @Test
    void usageEvent() {
        refused("units", () -> new UsageEvent("e", AT, ACCOUNT, UsageKind.MESSAGE, 0, UsageMode.CAPTURE, "c", "relay"));
        refused("units", () -> new UsageEvent("e", AT, ACCOUNT, UsageKind.MESSAGE, -1, UsageMode.CAPTURE, "c", "relay"));
        refused("units", () -> new UsageEvent("e", AT, ACCOUNT, UsageKind.MESSAGE, UsageEvent.MAX_UNITS + 1, UsageMode.CAPTURE, "c", "relay"));
        refused("kind", () -> new UsageEvent("e", AT, ACCOUNT, null, 1, UsageMode.CAPTURE, "c", "relay"));
        refused("mode", () -> new UsageEvent("e", AT, ACCOUNT, UsageKind.MESSAGE, 1, null, "c", "relay"));
        refused("causeId", () -> new UsageEvent("e", AT, ACCOUNT, UsageKind.MESSAGE, 1, UsageMode.CAPTURE, "", "relay"));
        refused("source", () -> new UsageEvent("e", AT, ACCOUNT, UsageKind.MESSAGE, 1, UsageMode.CAPTURE, "c", null));

        new UsageEvent("e", AT, ACCOUNT, UsageKind.CALL_MINUTE, UsageEvent.MAX_UNITS, UsageMode.AUTHORIZE, "call-1:7", "relay");
    }

    @Test
    void usageRejected() {
        refused("usageEventId", () -> new UsageRejected("e", AT, ACCOUNT, null, UsageKind.MESSAGE, 1, UsageRejectionReason.INSUFFICIENT_CREDITS, 0));
        refused("units", () -> new UsageRejected("e", AT, ACCOUNT, "u", UsageKind.MESSAGE, 0, UsageRejectionReason.INSUFFICIENT_CREDITS, 0));
        refused("reason", () -> new UsageRejected("e", AT, ACCOUNT, "u", UsageKind.MESSAGE, 1, null, 0));
        refused("balance", () -> new UsageRejected("e", AT, ACCOUNT, "u", UsageKind.MESSAGE, 1, UsageRejectionReason.INSUFFICIENT_CREDITS, -1));
    }

    @Test
    void walletState() {
        refused("balance", () -> new WalletState(-1, 0, WalletStatus.ACTIVE));
        refused("version", () -> new WalletState(0, -1, WalletStatus.ACTIVE));
        refused("status", () -> new WalletState(0, 0, null));
        refused("wallet", () -> new BalanceChanged("e", AT, ACCOUNT, null, 1, "cause"));
        refused("causeEventId", () -> new BalanceChanged("e", AT, ACCOUNT, ACTIVE, 1, null));
    }

    @Test
    void suspensionAndReinstatement() {
        refused("SUSPENDED", () -> new AccountSuspended("e", AT, ACCOUNT, ACTIVE, "c", Set.of(UsageKind.CALL_MINUTE)));
        refused("unaffordableKinds", () -> new AccountSuspended("e", AT, ACCOUNT, SUSPENDED, "c", Set.of()));
        refused("unaffordableKinds", () -> new AccountSuspended("e", AT, ACCOUNT, SUSPENDED, "c", null));
        refused("unaffordableKinds", () -> new AccountSuspended("e", AT, ACCOUNT, SUSPENDED, "c", new java.util.HashSet<>(Arrays.asList(UsageKind.MESSAGE, null))));
        refused("reinstatedKinds", () -> new AccountReinstated("e", AT, ACCOUNT, ACTIVE, "c", Set.of()));

        // Partly reinstated: calls allowed again, files still not, so the wallet stays SUSPENDED.
        new AccountReinstated("e", AT, ACCOUNT, SUSPENDED, "c", Set.of(UsageKind.MESSAGE));
    }

    @Test
    void kindSetsAreImmutableAndInDeclarationOrder() {
        var suspended = new AccountSuspended("e", AT, ACCOUNT, SUSPENDED, "c",
                new java.util.LinkedHashSet<>(List.of(UsageKind.FILE_TRANSFER, UsageKind.MESSAGE)));
        assertEquals(List.of(UsageKind.MESSAGE, UsageKind.FILE_TRANSFER), new ArrayList<>(suspended.unaffordableKinds()));
        assertThrows(UnsupportedOperationException.class, () -> suspended.unaffordableKinds().add(UsageKind.CALL_MINUTE));
    }

    @Test
    void payments() {
        refused("credits", () -> new CreditsPurchased("e", AT, ACCOUNT, "p", 0, 100, "EUR"));
        refused("amountMinor", () -> new CreditsPurchased("e", AT, ACCOUNT, "p", 1, -1, "EUR"));
        refused("currency", () -> new CreditsPurchased("e", AT, ACCOUNT, "p", 1, 100, "eur"));
        refused("currency", () -> new CreditsPurchased("e", AT, ACCOUNT, "p", 1, 100, "EURO"));
        refused("currency", () -> new CreditsPurchased("e", AT, ACCOUNT, "p", 1, 100, null));
        refused("paymentId", () -> new CreditsPurchased("e", AT, ACCOUNT, " ", 1, 100, "EUR"));
        refused("credits", () -> new CreditsRevoked("e", AT, ACCOUNT, "p", -3, RevocationReason.CHARGEBACK));
        refused("reason", () -> new CreditsRevoked("e", AT, ACCOUNT, "p", 3, null));

        new CreditsPurchased("e", AT, ACCOUNT, "p", 1, 0, "USD"); // a free promotional pack
    }

    @Test
    void devices() {
        refused("deviceId", () -> new DeviceAdded("e", AT, ACCOUNT, 0, 1, List.of(1)));
        refused("registrationId", () -> new DeviceAdded("e", AT, ACCOUNT, 1, 0, List.of(1)));
        refused("registrationId", () -> new DeviceAdded("e", AT, ACCOUNT, 1, DeviceAdded.MAX_REGISTRATION_ID + 1, List.of(1)));
        refused("devices", () -> new DeviceAdded("e", AT, ACCOUNT, 2, 1, List.of(1)));
        refused("devices", () -> new DeviceAdded("e", AT, ACCOUNT, 1, 1, List.of(1, 1)));
        refused("devices", () -> new DeviceAdded("e", AT, ACCOUNT, 1, 1, List.of(1, 0)));
        refused("devices", () -> new DeviceAdded("e", AT, ACCOUNT, 1, 1, Arrays.asList(1, null)));
        refused("devices", () -> new DeviceRemoved("e", AT, ACCOUNT, 2, List.of(1, 2)));
        refused("devices", () -> new DeviceRemoved("e", AT, ACCOUNT, 2, null));

        DeviceAdded added = new DeviceAdded("e", AT, ACCOUNT, 3, DeviceAdded.MAX_REGISTRATION_ID, new ArrayList<>(List.of(3, 1, 2)));
        assertEquals(List.of(1, 2, 3), added.devices(), "kept ascending");
        assertEquals(added, new DeviceAdded("e", AT, ACCOUNT, 3, DeviceAdded.MAX_REGISTRATION_ID, List.of(1, 2, 3)));
        assertEquals(List.of(), new DeviceRemoved("e", AT, ACCOUNT, 1, List.of()).devices(), "the last device may go");
    }

    @Test
    void identityKey() {
        byte[] key = new byte[IdentityKeyChanged.IDENTITY_KEY_BYTES];
        Arrays.fill(key, (byte) 7);
        String base64 = Base64.getEncoder().encodeToString(key);
        refused("identityKey", () -> new IdentityKeyChanged("e", AT, ACCOUNT, 1, null));
        refused("identityKey", () -> new IdentityKeyChanged("e", AT, ACCOUNT, 1, "not base64!"));
        refused("identityKey", () -> new IdentityKeyChanged("e", AT, ACCOUNT, 1, Base64.getEncoder().encodeToString(new byte[33])));
        refused("identityKey", () -> new IdentityKeyChanged("e", AT, ACCOUNT, 1, base64.replace("=", "")));
        refused("identityKey", () -> new IdentityKeyChanged("e", AT, ACCOUNT, 1, base64.substring(0, 42) + "B="));
        refused("deviceId", () -> new IdentityKeyChanged("e", AT, ACCOUNT, 0, base64));

        assertTrue(Arrays.equals(key, new IdentityKeyChanged("e", AT, ACCOUNT, 1, base64).identityKeyBytes()));
    }

    @Test
    void everyEventKnowsItsTypeAndVersion() {
        EventSamples.samples().forEach((type, event) -> {
            assertEquals(type, event.type());
            assertEquals(type.javaType(), event.getClass());
            assertEquals(1, event.schemaVersion());
        });
    }

    private static void refused(String field, Supplier<?> construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::get);
        assertTrue(e.getMessage().contains(field), () -> "message should name " + field + ": " + e.getMessage());
    }
}
