package net.secureconnect.contracts.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import net.secureconnect.contracts.OptionalField;

class RequiredFieldsTest {

    private static final ObjectMapper PLAIN = new ObjectMapper();

    record Inner(long amount, @OptionalField String note) {
    }

    record Outer(String id, Inner inner, @OptionalField Inner extra) {
    }

    @Test
    void reportsTheFirstAbsentRequiredField() throws Exception {
        assertEquals(Optional.of("id"), missing("{\"inner\":{\"amount\":1}}"));
        assertEquals(Optional.of("id"), missing("{\"id\":null,\"inner\":{\"amount\":1}}"));
        assertEquals(Optional.of("inner"), missing("{\"id\":\"a\"}"));
    }

    @Test
    void looksIntoNestedRecords() throws Exception {
        assertEquals(Optional.of("inner.amount"), missing("{\"id\":\"a\",\"inner\":{}}"));
        assertEquals(Optional.of("extra.amount"), missing("{\"id\":\"a\",\"inner\":{\"amount\":1},\"extra\":{\"note\":\"n\"}}"));
    }

    @Test
    void optionalFieldsMayBeAbsent() throws Exception {
        assertEquals(Optional.empty(), missing("{\"id\":\"a\",\"inner\":{\"amount\":1}}"));
        assertEquals(Optional.empty(), missing("{\"id\":\"a\",\"inner\":{\"amount\":1,\"note\":null},\"extra\":null}"));
    }

    @Test
    void leavesWrongShapesToBinding() throws Exception {
        // Not an object: binding reports it as INVALID_FIELD with Jackson's wording.
        assertEquals(Optional.empty(), missing("{\"id\":\"a\",\"inner\":5}"));
    }

    private static Optional<String> missing(String json) throws Exception {
        JsonNode node = PLAIN.readTree(json);
        return RequiredFields.firstMissing(Outer.class, node);
    }
}
