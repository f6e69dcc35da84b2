package net.secureconnect.contracts.json;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import net.secureconnect.contracts.OptionalField;

/**
 * Finds required fields a JSON object lacks, before binding: Jackson would bind an absent number
 * as 0 and an absent reference as null, and then the record would report a range error instead
 * of the missing field. Every record component is required unless marked {@link OptionalField};
 * JSON names are the component names.
 */
final class RequiredFields {

    private record Field(String name, boolean optional, Class<?> nestedRecord) {
    }

    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            List<Field> fields = new ArrayList<>();
            for (RecordComponent component : type.getRecordComponents()) {
                Class<?> componentType = component.getType();
                fields.add(new Field(
                        component.getName(),
                        component.isAnnotationPresent(OptionalField.class),
                        componentType.isRecord() ? componentType : null));
            }
            return List.copyOf(fields);
        }
    };

    private RequiredFields() {
    }

    /** The dotted path of the first required field that is absent or null, e.g. {@code wallet.balance}. */
    static Optional<String> firstMissing(Class<? extends Record> type, JsonNode object) {
        return firstMissing(type, object, "");
    }

    private static Optional<String> firstMissing(Class<?> type, JsonNode object, String prefix) {
        for (Field field : FIELDS.get(type)) {
            JsonNode value = object.get(field.name());
            if (value == null || value.isNull()) {
                if (!field.optional()) {
                    return Optional.of(prefix + field.name());
                }
            } else if (field.nestedRecord() != null && value.isObject()) {
                Optional<String> missing = firstMissing(field.nestedRecord(), value, prefix + field.name() + ".");
                if (missing.isPresent()) {
                    return missing;
                }
            }
        }
        return Optional.empty();
    }
}
