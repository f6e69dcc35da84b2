package net.secureconnect.contracts.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import net.secureconnect.contracts.EventSamples;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.DecodeResult.Decoded;
import net.secureconnect.contracts.json.DecodeResult.Rejected;

/** One concrete bad record per way a record can be bad, each with the reason it must be rejected for. */
class EventJsonRejectionTest {

    private static final ObjectMapper PLAIN = new ObjectMapper();

    /**
     * @param topic    the topic read from, or null for {@link EventJson#decode(byte[])}
     * @param mentions a word the detail must contain, so the dead letter says what was wrong
     */
    record Case(String name, byte[] record, Topic topic, RejectionReason reason, String mentions) {
        @Override
        public String toString() {
            return reason + ": " + name;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case("null value", null, null, RejectionReason.EMPTY_RECORD, "no value"),
                new Case("zero bytes", new byte[0], null, RejectionReason.EMPTY_RECORD, "no value"),
                new Case("only whitespace", utf8(" \n\t "), null, RejectionReason.EMPTY_RECORD, "whitespace"),

                new Case("garbage bytes", new byte[] {(byte) 0xFF, (byte) 0xFE, 0x00, 0x13, 0x37}, null,
                        RejectionReason.MALFORMED_JSON, ""),
                new Case("unclosed object", utf8("{\"type\":\"AccountCreated\""), null, RejectionReason.MALFORMED_JSON, ""),
                new Case("array", utf8("[1,2]"), null, RejectionReason.MALFORMED_JSON, "ARRAY"),
                new Case("bare string", utf8("\"AccountCreated\""), null, RejectionReason.MALFORMED_JSON, "STRING"),
                new Case("two objects", utf8(json(EventType.ACCOUNT_CREATED) + " {}"), null, RejectionReason.MALFORMED_JSON, ""),
                new Case("duplicate key", utf8(json(EventType.USAGE_EVENT).replace("\"units\":1", "\"units\":1,\"units\":-5")),
                        null, RejectionReason.MALFORMED_JSON, "units"),
                new Case("invalid UTF-8 in a string", concat(utf8("{\"type\":\""), new byte[] {(byte) 0xC3, 0x28}, utf8("\"}")),
                        null, RejectionReason.MALFORMED_JSON, "UTF-8"),

                new Case("empty object", utf8("{}"), null, RejectionReason.MISSING_FIELD, "type"),
                new Case("type null", set(EventType.ACCOUNT_CREATED, "type", "null"), null, RejectionReason.MISSING_FIELD, "type"),
                new Case("no schemaVersion", remove(EventType.ACCOUNT_CREATED, "schemaVersion"), null,
                        RejectionReason.MISSING_FIELD, "schemaVersion"),
                new Case("no eventId", remove(EventType.USAGE_EVENT, "eventId"), null, RejectionReason.MISSING_FIELD, "eventId"),
                new Case("units null", set(EventType.USAGE_EVENT, "units", "null"), null, RejectionReason.MISSING_FIELD, "units"),
                new Case("no wallet balance", utf8(json(EventType.BALANCE_CHANGED).replace("\"balance\":96,", "")), null,
                        RejectionReason.MISSING_FIELD, "wallet.balance"),

                new Case("unknown type", set(EventType.ACCOUNT_CREATED, "type", "\"SmsSent\""), null,
                        RejectionReason.UNKNOWN_TYPE, "SmsSent"),
                new Case("type in the wrong case", set(EventType.USAGE_EVENT, "type", "\"usageEvent\""), null,
                        RejectionReason.UNKNOWN_TYPE, "usageEvent"),

                new Case("schemaVersion 99", set(EventType.USAGE_EVENT, "schemaVersion", "99"), null,
                        RejectionReason.UNSUPPORTED_SCHEMA_VERSION, "99"),
                new Case("schemaVersion 0", set(EventType.ACCOUNT_DELETED, "schemaVersion", "0"), null,
                        RejectionReason.UNSUPPORTED_SCHEMA_VERSION, "0"),
                new Case("schemaVersion beyond int", set(EventType.ACCOUNT_DELETED, "schemaVersion", "18446744073709551617"), null,
                        RejectionReason.UNSUPPORTED_SCHEMA_VERSION, "18446744073709551617"),

                new Case("type not a string", set(EventType.ACCOUNT_CREATED, "type", "7"), null, RejectionReason.INVALID_FIELD, "type"),
                new Case("schemaVersion as string", set(EventType.ACCOUNT_CREATED, "schemaVersion", "\"1\""), null,
                        RejectionReason.INVALID_FIELD, "schemaVersion"),
                new Case("negative units", set(EventType.USAGE_EVENT, "units", "-5"), null, RejectionReason.INVALID_FIELD, "units"),
                new Case("too many units", set(EventType.USAGE_EVENT, "units", "10001"), null, RejectionReason.INVALID_FIELD, "units"),
                new Case("units as string", set(EventType.USAGE_EVENT, "units", "\"5\""), null, RejectionReason.INVALID_FIELD, "units"),
                new Case("fractional units", set(EventType.USAGE_EVENT, "units", "1.5"), null, RejectionReason.INVALID_FIELD, "units"),
                new Case("units beyond int", set(EventType.USAGE_EVENT, "units", "4294967297"), null, RejectionReason.INVALID_FIELD, "units"),
                new Case("blank eventId", set(EventType.USAGE_EVENT, "eventId", "\"  \""), null, RejectionReason.INVALID_FIELD, "eventId"),
                new Case("empty eventId", set(EventType.USAGE_EVENT, "eventId", "\"\""), null, RejectionReason.INVALID_FIELD, "eventId"),
                new Case("eventId as number", set(EventType.USAGE_EVENT, "eventId", "42"), null, RejectionReason.INVALID_FIELD, "eventId"),
                new Case("eventId of 129 characters", set(EventType.USAGE_EVENT, "eventId", "\"" + "x".repeat(129) + "\""), null,
                        RejectionReason.INVALID_FIELD, "eventId"),
                new Case("unknown enum constant", set(EventType.USAGE_EVENT, "kind", "\"SMS\""), null, RejectionReason.INVALID_FIELD, "kind"),
                new Case("enum in the wrong case", set(EventType.USAGE_EVENT, "mode", "\"capture\""), null, RejectionReason.INVALID_FIELD, "mode"),
                new Case("enum by ordinal", set(EventType.USAGE_EVENT, "kind", "0"), null, RejectionReason.INVALID_FIELD, "kind"),
                new Case("occurredAt as epoch number", set(EventType.USAGE_EVENT, "occurredAt", "1741944413"), null,
                        RejectionReason.INVALID_FIELD, "occurredAt"),
                new Case("occurredAt not a date", set(EventType.USAGE_EVENT, "occurredAt", "\"yesterday\""), null,
                        RejectionReason.INVALID_FIELD, "occurredAt"),
                new Case("negative balance", utf8(json(EventType.BALANCE_CHANGED).replace("\"balance\":96", "\"balance\":-1")), null,
                        RejectionReason.INVALID_FIELD, "balance"),
                new Case("wallet not an object", set(EventType.BALANCE_CHANGED, "wallet", "\"96\""), null,
                        RejectionReason.INVALID_FIELD, "wallet"),
                new Case("suspension without kinds", set(EventType.ACCOUNT_SUSPENDED, "unaffordableKinds", "[]"), null,
                        RejectionReason.INVALID_FIELD, "unaffordableKinds"),
                new Case("null device id", set(EventType.DEVICE_ADDED, "devices", "[1,null,2]"), null,
                        RejectionReason.INVALID_FIELD, "devices"),
                new Case("added device not listed", set(EventType.DEVICE_ADDED, "devices", "[1]"), null,
                        RejectionReason.INVALID_FIELD, "devices"),
                new Case("lower-case currency", set(EventType.CREDITS_PURCHASED, "currency", "\"eur\""), null,
                        RejectionReason.INVALID_FIELD, "currency"),
                new Case("short identity key", set(EventType.IDENTITY_KEY_CHANGED, "identityKey", "\"AAAA\""), null,
                        RejectionReason.INVALID_FIELD, "identityKey"),

                new Case("usage event on balances", utf8(json(EventType.USAGE_EVENT)), Topic.BALANCES,
                        RejectionReason.WRONG_TOPIC, "balances"),
                new Case("purchase on accounts", utf8(json(EventType.CREDITS_PURCHASED)), Topic.ACCOUNTS,
                        RejectionReason.WRONG_TOPIC, "CreditsPurchased"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectsWithReason(Case c) {
        DecodeResult result = c.topic() == null ? EventJson.decode(c.record()) : EventJson.decode(c.topic(), c.record());

        Rejected rejected = assertInstanceOf(Rejected.class, result);
        assertEquals(c.reason(), rejected.reason(), rejected::detail);
        assertTrue(rejected.detail().contains(c.mentions()), () -> "detail should mention '" + c.mentions() + "': " + rejected.detail());
        assertTrue(rejected.detail().length() <= 301 && rejected.detail().chars().noneMatch(Character::isISOControl),
                "detail is one short line");
        RecordRejectedException thrown = assertThrows(RecordRejectedException.class, result::orElseThrow);
        assertEquals(c.reason(), thrown.reason());
    }

    @Test
    void everyReasonIsProducedByAConcreteInput() {
        Set<RejectionReason> covered = cases().stream().map(Case::reason)
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(RejectionReason.class)));
        assertEquals(EnumSet.allOf(RejectionReason.class), covered);
    }

    /** The templates the cases edit must themselves be valid, or a case could pass for the wrong reason. */
    @Test
    void templatesDecode() {
        for (EventType type : EventType.values()) {
            assertInstanceOf(Decoded.class, EventJson.decode(utf8(json(type))), type::toString);
        }
        assertTrue(json(EventType.USAGE_EVENT).contains("\"units\":1,"));
        assertTrue(json(EventType.BALANCE_CHANGED).contains("\"balance\":96,"));
    }

    @Test
    void detailIsCutShortAndPrintable() {
        Rejected rejected = assertInstanceOf(Rejected.class,
                EventJson.decode(set(EventType.ACCOUNT_CREATED, "type", "\"" + "\\u0007".repeat(20) + "X".repeat(1000) + "\"")));
        assertEquals(RejectionReason.UNKNOWN_TYPE, rejected.reason());
        assertTrue(rejected.detail().length() <= 301, rejected.detail());
        assertTrue(rejected.detail().chars().noneMatch(Character::isISOControl), rejected.detail());
    }

    @Test
    void decodeRefusesNoTopic() {
        assertThrows(NullPointerException.class, () -> EventJson.decode((Topic) null, utf8(json(EventType.USAGE_EVENT))));
    }

    // ---- building bad records from the valid samples -------------------------------------------

    private static String json(EventType type) {
        return EventJson.encodeToString(EventSamples.sample(type));
    }

    private static byte[] set(EventType type, String field, String rawJson) {
        try {
            ObjectNode tree = (ObjectNode) PLAIN.readTree(json(type));
            tree.set(field, PLAIN.readTree(rawJson));
            return PLAIN.writeValueAsBytes(tree);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] remove(EventType type, String field) {
        try {
            ObjectNode tree = (ObjectNode) PLAIN.readTree(json(type));
            tree.remove(field);
            return PLAIN.writeValueAsBytes(tree);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        return Stream.of(parts).reduce(new byte[0], (a, b) -> {
            byte[] joined = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, joined, a.length, b.length);
            return joined;
        });
    }
}
