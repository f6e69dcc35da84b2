package net.secureconnect.contracts.json;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;

import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.Topic;

/**
 * The one JSON form of events, used by every service and client. A record is a JSON object with
 * the discriminator {@value #TYPE} (the event's simple name), {@value #SCHEMA_VERSION}, and the
 * record's components by name; instants are ISO-8601 strings.
 *
 * <p>Decoding ignores fields it does not know (newer producers may add some) but rejects anything
 * else that is off, and never throws: the {@link DecodeResult.Rejected} reason goes to the
 * dead-letter topic.
 */
public final class EventJson {

    public static final String TYPE = "type";
    public static final String SCHEMA_VERSION = "schemaVersion";

    /** Enough to name the field and the problem; Jackson messages can quote long input. */
    private static final int MAX_DETAIL_LENGTH = 300;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // Forward compatibility: fields added by newer producers are skipped.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Everything else is strict: no guessing what a sloppy producer meant.
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .withCoercionConfig(LogicalType.Textual, strings -> strings
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            // {"units":1,"units":-5} means different things to different parsers: refuse it.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            // Absent optional fields are left out rather than written as null.
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .addModule(new SimpleModule("secureconnect-instants")
                    .addSerializer(Instant.class, new InstantSerializer())
                    .addDeserializer(Instant.class, new InstantDeserializer()))
            .build();

    private EventJson() {
    }

    /** UTF-8 JSON of the event, {@value #TYPE} and {@value #SCHEMA_VERSION} first. */
    public static byte[] encode(Event event) {
        try {
            return MAPPER.writeValueAsBytes(toTree(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event.type().wireName(), e);
        }
    }

    public static String encodeToString(Event event) {
        try {
            return MAPPER.writeValueAsString(toTree(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event.type().wireName(), e);
        }
    }

    /** Decodes a record of any topic. Never throws, never returns null. */
    public static DecodeResult decode(byte[] record) {
        return decodeSafely(record, null);
    }

    /** Decodes a record read from {@code topic}; an event of a type not allowed there is {@code WRONG_TOPIC}. */
    public static DecodeResult decode(Topic topic, byte[] record) {
        return decodeSafely(record, Objects.requireNonNull(topic, "topic"));
    }

    private static ObjectNode toTree(Event event) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put(TYPE, event.type().wireName());
        node.put(SCHEMA_VERSION, event.schemaVersion());
        node.setAll((ObjectNode) MAPPER.valueToTree(event));
        return node;
    }

    private static DecodeResult decodeSafely(byte[] record, Topic topic) {
        try {
            return decodeRecord(record, topic);
        } catch (RuntimeException e) {
            // A bug of ours must not stop a consumer: the record goes to the dead letters with the cause.
            return rejected(RejectionReason.INVALID_FIELD, "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static DecodeResult decodeRecord(byte[] record, Topic topic) {
        if (record == null || record.length == 0) {
            return rejected(RejectionReason.EMPTY_RECORD, "the record has no value");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(record);
        } catch (IOException e) {
            return rejected(RejectionReason.MALFORMED_JSON, messageOf(e));
        }
        if (root == null || root.isMissingNode()) {
            return rejected(RejectionReason.EMPTY_RECORD, "the record holds only whitespace");
        }
        if (!root.isObject()) {
            return rejected(RejectionReason.MALFORMED_JSON, "expected a JSON object, found " + root.getNodeType());
        }

        JsonNode typeNode = root.get(TYPE);
        if (typeNode == null || typeNode.isNull()) {
            return rejected(RejectionReason.MISSING_FIELD, TYPE + " is missing");
        }
        if (!typeNode.isTextual()) {
            return rejected(RejectionReason.INVALID_FIELD, TYPE + " must be a string, found " + typeNode.getNodeType());
        }
        Optional<EventType> found = EventType.fromWireName(typeNode.textValue());
        if (found.isEmpty()) {
            return rejected(RejectionReason.UNKNOWN_TYPE, "unknown event type '" + typeNode.textValue() + "'");
        }
        EventType type = found.get();

        JsonNode versionNode = root.get(SCHEMA_VERSION);
        if (versionNode == null || versionNode.isNull()) {
            return rejected(RejectionReason.MISSING_FIELD, SCHEMA_VERSION + " is missing");
        }
        if (!versionNode.isIntegralNumber()) {
            return rejected(RejectionReason.INVALID_FIELD,
                    SCHEMA_VERSION + " must be an integer, found " + versionNode.getNodeType());
        }
        if (!versionNode.canConvertToInt() || versionNode.intValue() != type.schemaVersion()) {
            return rejected(RejectionReason.UNSUPPORTED_SCHEMA_VERSION, SCHEMA_VERSION + " " + versionNode.asText()
                    + " of " + type.wireName() + " is not supported; this build reads " + type.schemaVersion());
        }

        Optional<String> missing = RequiredFields.firstMissing(recordClass(type), root);
        if (missing.isPresent()) {
            return rejected(RejectionReason.MISSING_FIELD, missing.get() + " is missing");
        }

        Event event;
        try {
            event = MAPPER.treeToValue(root, type.javaType());
        } catch (ValueInstantiationException e) {
            // The record's compact constructor refused a value; its message names the field.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return rejected(RejectionReason.INVALID_FIELD, prefixed(e, cause.getMessage()));
        } catch (JsonProcessingException e) {
            return rejected(RejectionReason.INVALID_FIELD, prefixed(e, messageOf(e)));
        }

        if (topic != null && !topic.allows(type)) {
            return rejected(RejectionReason.WRONG_TOPIC,
                    type.wireName() + " does not belong on topic " + topic.topicName());
        }
        return new DecodeResult.Decoded(event);
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends Record> recordClass(EventType type) {
        return (Class<? extends Record>) type.javaType();
    }

    private static DecodeResult.Rejected rejected(RejectionReason reason, String detail) {
        return new DecodeResult.Rejected(reason, printable(detail));
    }

    private static String messageOf(Exception e) {
        String message = e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /** "wallet.balance: ..." when Jackson knows where in the record the problem is. */
    private static String prefixed(JsonMappingException e, String message) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? message : path + ": " + message;
    }

    private static String prefixed(JsonProcessingException e, String message) {
        return e instanceof JsonMappingException jme ? prefixed(jme, message) : message;
    }

    /** One line of printable text, short enough for a Kafka header and a log line. */
    private static String printable(String detail) {
        String text = detail == null ? "" : detail;
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_DETAIL_LENGTH));
        for (int i = 0; i < text.length() && out.length() < MAX_DETAIL_LENGTH; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? ' ' : c);
        }
        if (text.length() > MAX_DETAIL_LENGTH) {
            out.append('…');
        }
        return out.toString().strip();
    }

    private static final class InstantSerializer extends JsonSerializer<Instant> {
        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.toString());
        }
    }

    /** Only ISO-8601 strings: an epoch number is ambiguous (seconds or millis?), so it is refused. */
    private static final class InstantDeserializer extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
            }
            String text = p.getText();
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, text,
                        "expected an ISO-8601 instant such as 2025-01-31T12:00:00Z");
            }
        }
    }
}
