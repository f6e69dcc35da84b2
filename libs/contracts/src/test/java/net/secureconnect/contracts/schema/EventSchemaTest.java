package net.secureconnect.contracts.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.EventSamples;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.json.DecodeResult;
import net.secureconnect.contracts.json.EventJson;

/** The committed JSON Schemas are current, accept every event we encode, and refuse malformed ones. */
class EventSchemaTest {

    /** {@code -Dcontracts.schemas.write=true} rewrites the committed schemas instead of comparing. */
    private static final boolean WRITE = Boolean.getBoolean("contracts.schemas.write");
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final Map<EventType, JsonSchema> SCHEMAS = loadCommittedSchemas();

    @Test
    void committedSchemasAreUpToDate() throws IOException {
        EventSchemas generator = new EventSchemas();
        List<String> stale = new ArrayList<>();
        for (EventType type : EventType.values()) {
            Path file = EventSchemas.file(type);
            String generated = generator.render(type);
            if (WRITE) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, generated, StandardCharsets.UTF_8);
            } else if (!Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(generated)) {
                stale.add(file.toString());
            }
        }
        assertEquals(List.of(), stale,
                "schemas differ from the records; rerun with -Dcontracts.schemas.write=true and commit the result");
    }

    @Test
    void oneSchemaFilePerEventTypeAndNoOthers() throws IOException {
        Set<String> expected = Stream.of(EventType.values())
                .map(t -> EventSchemas.file(t).getFileName().toString()).collect(Collectors.toSet());
        try (Stream<Path> files = Files.list(EventSchemas.DIRECTORY)) {
            assertEquals(expected, files.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
    }

    @Property(tries = 300)
    void everyEncodedEventMatchesItsSchema(@ForAll("events") Event event) throws IOException {
        assertEquals(Set.of(), validate(event.type(), PLAIN.readTree(EventJson.encode(event))));
    }

    @Test
    void everySampleMatchesItsSchema() throws IOException {
        for (Event event : EventSamples.samples().values()) {
            assertEquals(Set.of(), validate(event.type(), PLAIN.readTree(EventJson.encode(event))), event::toString);
        }
    }

    @ParameterizedTest(name = "{0}.{1} = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            USAGE_EVENT          | units              | -5
            USAGE_EVENT          | units              | 10001
            USAGE_EVENT          | units              | "5"
            USAGE_EVENT          | eventId            |
            USAGE_EVENT          | eventId            | " "
            USAGE_EVENT          | eventId            | ""
            USAGE_EVENT          | kind               | "SMS"
            USAGE_EVENT          | type               | "UsageRejected"
            USAGE_EVENT          | schemaVersion      | 99
            USAGE_EVENT          | occurredAt         | "yesterday"
            USAGE_EVENT          | occurredAt         | 1741944413
            USAGE_EVENT          | mode               | null
            BALANCE_CHANGED      | wallet             | {"balance":-1,"version":0,"status":"ACTIVE"}
            BALANCE_CHANGED      | wallet             | {"balance":1,"version":0}
            ACCOUNT_SUSPENDED    | unaffordableKinds  | []
            ACCOUNT_SUSPENDED    | unaffordableKinds  | ["SMS"]
            DEVICE_ADDED         | devices            | [1,2,2]
            CREDITS_PURCHASED    | currency           | "eur"
            CREDITS_PURCHASED    | credits            | 0
            DEVICE_ADDED         | devices            | [0,2]
            DEVICE_ADDED         | registrationId     | 16384
            IDENTITY_KEY_CHANGED | identityKey        | "AAAA"
            """)
    void malformedSamplesFailValidationAndDecoding(EventType type, String field, String rawValue) throws IOException {
        ObjectNode record = (ObjectNode) PLAIN.readTree(EventJson.encode(EventSamples.sample(type)));
        if (rawValue == null) {
            record.remove(field);
        } else {
            record.set(field, PLAIN.readTree(rawValue));
        }
        assertFalse(validate(type, record).isEmpty(), "the schema should refuse " + record);
        assertInstanceOf(DecodeResult.Rejected.class, EventJson.decode(PLAIN.writeValueAsBytes(record)));
    }

    /**
     * The schema is never stricter than the decoder: what it refuses, the decoder refuses too
     * (the decoder also checks rules across fields that a schema cannot state).
     */
    @Property(tries = 1000)
    void whatTheSchemaRefusesTheDecoderRefuses(@ForAll("events") Event event, @ForAll @IntRange(min = 0, max = 100) int pick,
                                              @ForAll("oddValues") JsonNode value) throws IOException {
        ObjectNode record = (ObjectNode) PLAIN.readTree(EventJson.encode(event));
        List<ObjectNode> parents = new ArrayList<>();
        List<String> names = new ArrayList<>();
        collectFields(record, parents, names);
        int i = pick % names.size();
        parents.get(i).set(names.get(i), value);

        boolean schemaRefuses = !validate(event.type(), record).isEmpty();
        DecodeResult decoded = EventJson.decode(PLAIN.writeValueAsBytes(record));
        if (schemaRefuses) {
            assertInstanceOf(DecodeResult.Rejected.class, decoded, () -> "decoder accepted what the schema refuses: " + record);
        }
    }

    @Provide
    Arbitrary<Event> events() {
        return EventSamples.anyEvent();
    }

    @Provide
    Arbitrary<JsonNode> oddValues() {
        return Arbitraries.of("null", "\"\"", "\" \"", "\"x\"", "\"SMS\"", "\"MESSAGE\"", "\"ACTIVE\"", "-1", "0", "1",
                        "10001", "16384", "1.5", "1e3", "true", "[]", "[0]", "[1,1]", "[\"MESSAGE\"]", "{}",
                        "\"1970-01-01T00:00:00Z\"", "\"2025-13-01T00:00:00Z\"", "\"EUR\"", "\"eur\"", "9223372036854775808",
                        "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\"", "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"")
                .map(json -> {
                    try {
                        return PLAIN.readTree(json);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    private static void collectFields(ObjectNode node, List<ObjectNode> parents, List<String> names) {
        node.fieldNames().forEachRemaining(name -> {
            parents.add(node);
            names.add(name);
            if (node.get(name) instanceof ObjectNode child) {
                collectFields(child, parents, names);
            }
        });
    }

    private static Set<ValidationMessage> validate(EventType type, JsonNode record) {
        return SCHEMAS.get(type).validate(record);
    }

    /** Reads the schemas from the class path, as a service or client would find them in the jar. */
    private static Map<EventType, JsonSchema> loadCommittedSchemas() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        Map<EventType, JsonSchema> schemas = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            try (InputStream in = EventSchemaTest.class.getResourceAsStream(type.schemaResource())) {
                assertNotNull(in, "missing resource " + type.schemaResource());
                schemas.put(type, factory.getSchema(new String(in.readAllBytes(), StandardCharsets.UTF_8), config));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        assertTrue(schemas.size() == EventType.values().length);
        return schemas;
    }
}
