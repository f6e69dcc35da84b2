package net.secureconnect.contracts.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;

import net.secureconnect.contracts.DeviceAdded;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.OptionalField;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.json.EventJson;

/**
 * Generates the JSON Schema of each event from its record. The records' compact constructors are
 * the authority; the constraints below restate the ones a schema can express, by field name
 * (a name means the same thing in every event). Run {@link #main} or
 * {@code ./mvnw -pl libs/contracts test -Dcontracts.schemas.write=true} to rewrite the files.
 */
public final class EventSchemas {

    /** Where the schemas live, relative to the module directory (Maven runs tests from there). */
    public static final Path DIRECTORY = Path.of("src/main/resources/schemas");

    private static final String ID_PATTERN = "^[!-~]+$";
    private static final Set<String> IDS =
            Set.of("eventId", "accountId", "usageEventId", "causeEventId", "causeId", "paymentId", "source");
    private static final Map<String, long[]> INTEGER_RANGES = Map.of(
            "units", new long[] {1, UsageEvent.MAX_UNITS},
            "registrationId", new long[] {1, DeviceAdded.MAX_REGISTRATION_ID},
            "deviceId", new long[] {1, Integer.MAX_VALUE},
            "devices", new long[] {1, Integer.MAX_VALUE},
            "balance", new long[] {0, Long.MAX_VALUE},
            "version", new long[] {0, Long.MAX_VALUE},
            "credits", new long[] {1, Long.MAX_VALUE},
            "amountMinor", new long[] {0, Long.MAX_VALUE});
    private static final Map<String, String> PATTERNS = Map.of(
            "currency", "^[A-Z]{3}$",
            // 32 bytes: 42 full characters, one carrying the last 2 bits (low 4 zero), then padding.
            "identityKey", "^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$");
    private static final Set<String> NON_EMPTY_SETS = Set.of("unaffordableKinds", "reinstatedKinds");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaGenerator generator;

    public EventSchemas() {
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
                .with(new JacksonModule())
                .with(Option.EXTRA_OPEN_API_FORMAT_VALUES)
                .without(Option.SCHEMA_VERSION_INDICATOR); // written by hand below, first
        // Keep record component order, the order the JSON has.
        config.forTypesInGeneral().withPropertySorter((a, b) -> 0);
        var fields = config.forFields();
        fields.withRequiredCheck(field -> field.getAnnotationConsideringFieldAndGetter(OptionalField.class) == null);
        fields.withStringMinLengthResolver(field -> isId(field) ? 1 : null);
        fields.withStringMaxLengthResolver(field -> isId(field) ? Event.MAX_ID_LENGTH : null);
        fields.withStringPatternResolver(field -> isId(field) ? ID_PATTERN : PATTERNS.get(field.getName()));
        fields.withNumberInclusiveMinimumResolver(field -> bound(field, 0));
        fields.withNumberInclusiveMaximumResolver(field -> bound(field, 1));
        fields.withArrayMinItemsResolver(field -> !field.isFakeContainerItemScope() && NON_EMPTY_SETS.contains(field.getName()) ? 1 : null);
        // Device lists refuse repeats; a repeated usage kind in a set is harmless and the decoder accepts it.
        fields.withArrayUniqueItemsResolver(field ->
                !field.isFakeContainerItemScope() && field.getName().equals("devices") ? Boolean.TRUE : null);
        this.generator = new SchemaGenerator(config.build());
    }

    private static boolean isId(FieldScope field) {
        return IDS.contains(field.getName()) && field.getType().getErasedType() == String.class;
    }

    private static BigDecimal bound(FieldScope field, int which) {
        long[] range = INTEGER_RANGES.get(field.getName());
        boolean integer = field.getType() != null && !field.getType().isInstanceOf(java.util.Collection.class);
        if (range == null || !integer) {
            return null;
        }
        long value = range[which];
        return value == Long.MAX_VALUE || value == Long.MIN_VALUE ? null : BigDecimal.valueOf(value);
    }

    public ObjectNode schema(EventType type) {
        ObjectNode generated = generator.generateSchema(type.javaType());

        ObjectNode schema = JSON.createObjectNode();
        schema.put("$schema", SchemaVersion.DRAFT_2020_12.getIdentifier());
        schema.put("$id", "urn:secureconnect:event:" + type.wireName() + ":v" + type.schemaVersion());
        schema.put("title", type.wireName());
        schema.put("description", "SecureConnect event " + type.wireName() + ", schema version " + type.schemaVersion()
                + ", published on topic '" + type.topic().topicName() + "'. Generated from the record "
                + type.javaType().getName() + "; do not edit. Unknown properties are allowed for forward compatibility.");
        schema.put("type", "object");

        ObjectNode properties = schema.putObject("properties");
        properties.putObject(EventJson.TYPE).put("const", type.wireName());
        properties.putObject(EventJson.SCHEMA_VERSION).put("const", type.schemaVersion());
        properties.setAll((ObjectNode) generated.get("properties"));

        ArrayNode required = schema.putArray("required").add(EventJson.TYPE).add(EventJson.SCHEMA_VERSION);
        if (generated.has("required")) {
            required.addAll((ArrayNode) generated.get("required"));
        }
        if (generated.has("$defs")) {
            schema.set("$defs", generated.get("$defs"));
        }
        return schema;
    }

    /** The schema as committed: two-space indent, one property per line, trailing newline. */
    public String render(EventType type) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        printer.indentObjectsWith(indenter);
        printer.indentArraysWith(indenter);
        try {
            return JSON.writer(printer).writeValueAsString(schema(type)) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path file(EventType type) {
        return DIRECTORY.resolve(type.schemaResource().substring("/schemas/".length()));
    }

    /** Rewrites every schema file; run from the module directory. */
    public static void main(String[] args) throws IOException {
        EventSchemas schemas = new EventSchemas();
        Files.createDirectories(DIRECTORY);
        for (EventType type : EventType.values()) {
            Files.writeString(file(type), schemas.render(type), StandardCharsets.UTF_8);
            System.out.println("wrote " + file(type));
        }
    }
}
