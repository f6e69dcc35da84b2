package net.secureconnect.contracts.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.EventSamples;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.DecodeResult.Decoded;
import net.secureconnect.contracts.json.DecodeResult.Rejected;

class EventJsonProperties {

    private static final ObjectMapper PLAIN = new ObjectMapper();

    @Provide
    Arbitrary<Event> events() {
        return EventSamples.anyEvent();
    }

    @Property
    void decodeInvertsEncode(@ForAll("events") Event event) {
        assertEquals(new Decoded(event), EventJson.decode(EventJson.encode(event)));
        assertEquals(new Decoded(event), EventJson.decode(event.type().topic(), EventJson.encode(event)));
    }

    @Property(tries = 300)
    void everyRecordStartsWithTypeAndSchemaVersion(@ForAll("events") Event event) throws Exception {
        JsonNode tree = PLAIN.readTree(EventJson.encode(event));
        Iterator<String> names = tree.fieldNames();
        assertEquals(EventJson.TYPE, names.next());
        assertEquals(EventJson.SCHEMA_VERSION, names.next());
        assertEquals(event.type().wireName(), tree.get(EventJson.TYPE).textValue());
        assertEquals(1, tree.get(EventJson.SCHEMA_VERSION).intValue());
        assertEquals(event.occurredAt().toString(), tree.get("occurredAt").textValue(), "ISO-8601 instants");
        assertEquals(EventJson.encodeToString(event), new String(EventJson.encode(event), StandardCharsets.UTF_8));
    }

    @Property(tries = 300)
    void unknownFieldsAreIgnored(@ForAll("events") Event event, @ForAll("extraValues") JsonNode extra) throws Exception {
        ObjectNode tree = (ObjectNode) PLAIN.readTree(EventJson.encode(event));
        tree.set("addedByANewerProducer", extra);
        if (tree.get("wallet") instanceof ObjectNode wallet) {
            wallet.set("currencyHint", extra);
        }
        assertEquals(new Decoded(event), EventJson.decode(PLAIN.writeValueAsBytes(tree)));
    }

    @Provide
    Arbitrary<JsonNode> extraValues() {
        return Arbitraries.of("1", "\"text\"", "null", "[1,{\"a\":[]}]", "{\"nested\":{\"deep\":true}}", "-0.5e3")
                .map(json -> {
                    try {
                        return PLAIN.readTree(json);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    /** Dropping or nulling any field of a valid record is reported as that missing field. */
    @Property(tries = 300)
    void everyFieldIsRequired(@ForAll("events") Event event, @ForAll @IntRange(min = 0, max = 100) int pick,
                              @ForAll boolean asNull) throws Exception {
        ObjectNode tree = (ObjectNode) PLAIN.readTree(EventJson.encode(event));
        List<String> names = new ArrayList<>();
        tree.fieldNames().forEachRemaining(names::add);
        String field = names.get(pick % names.size());
        if (asNull) {
            tree.putNull(field);
        } else {
            tree.remove(field);
        }
        Rejected rejected = assertInstanceOf(Rejected.class, EventJson.decode(PLAIN.writeValueAsBytes(tree)));
        assertEquals(RejectionReason.MISSING_FIELD, rejected.reason());
        assertTrue(rejected.detail().startsWith(field + " "), rejected.detail());
    }

    @Property(tries = 200)
    void anEventIsRejectedOnEveryTopicButItsOwn(@ForAll("events") Event event, @ForAll Topic topic) {
        DecodeResult result = EventJson.decode(topic, EventJson.encode(event));
        if (topic == event.type().topic()) {
            assertEquals(new Decoded(event), result);
        } else {
            assertEquals(RejectionReason.WRONG_TOPIC, assertInstanceOf(Rejected.class, result).reason());
        }
    }

    @Property
    void arbitraryBytesNeverThrow(@ForAll byte[] bytes) {
        DecodeResult result = EventJson.decode(bytes);
        assertNotNull(result);
        assertInstanceOf(Rejected.class, result);
    }

    @Property(tries = 500)
    void truncatedRecordsAreRejected(@ForAll("events") Event event, @ForAll @IntRange(min = 0, max = 10_000) int cut) {
        byte[] whole = EventJson.encode(event);
        byte[] truncated = Arrays.copyOf(whole, cut % whole.length);
        Rejected rejected = assertInstanceOf(Rejected.class, EventJson.decode(truncated));
        assertTrue(rejected.reason() == RejectionReason.EMPTY_RECORD || rejected.reason() == RejectionReason.MALFORMED_JSON,
                rejected::toString);
    }

    /** Any single byte changed: decoding never throws, and whatever decodes is a valid event. */
    @Property(tries = 500)
    void corruptedRecordsNeverThrow(@ForAll("events") Event event, @ForAll @IntRange(min = 0, max = 10_000) int at,
                                    @ForAll byte value) {
        byte[] bytes = EventJson.encode(event);
        bytes[at % bytes.length] = value;
        DecodeResult result = EventJson.decode(bytes);
        assertNotNull(result);
        if (result instanceof Decoded decoded) {
            assertEquals(decoded, EventJson.decode(EventJson.encode(decoded.event())));
        }
    }
}
