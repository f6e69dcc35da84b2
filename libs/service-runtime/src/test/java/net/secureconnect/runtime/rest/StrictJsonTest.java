package net.secureconnect.runtime.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared strict reading of request bodies and the MALFORMED_JSON answers it leads to: what a
 * hostile or sloppy client sends is refused, and the answer never quotes the client's input.
 */
class StrictJsonTest {

    public record Transfer(String to, long amount) {
    }

    private final ObjectMapper mapper = strict();
    private final ProblemMappers mappers = new ProblemMappers();

    private static ObjectMapper strict() {
        ObjectMapper mapper = new ObjectMapper();
        new StrictJson().customize(mapper);
        return mapper;
    }

    @Test
    void readsAWellFormedBody() throws Exception {
        assertEquals(new Transfer("bob", 5), mapper.readValue("{\"to\":\"bob\",\"amount\":5}", Transfer.class));
    }

    @Test
    void refusesUnknownFieldsWithoutEchoingTheirName() {
        var e = assertThrows(MismatchedInputException.class,
                () -> mapper.readValue("{\"to\":\"bob\",\"amount\":5,\"payer_SECRET\":\"x\"}", Transfer.class));
        Problem problem = problemOf(mappers.mismatchedJson(e));
        assertEquals("UNKNOWN_FIELD", problem.code());
        assertFalse(problem.detail().contains("payer_SECRET"), problem.detail());
    }

    @Test
    void refusesDuplicateKeysWithoutEchoingTheInput() {
        var e = assertThrows(JsonProcessingException.class,
                () -> mapper.readValue("{\"to\":\"bob\",\"amount\":5,\"amount\":500}", Transfer.class));
        Problem problem = problemOf(ProblemMappers.malformed(e));
        assertEquals("MALFORMED_JSON", problem.code());
        assertFalse(problem.detail().contains("amount"), problem.detail());
    }

    @Test
    void refusesCoercionsBetweenJsonTypes() {
        assertThrows(MismatchedInputException.class,
                () -> mapper.readValue("{\"to\":\"bob\",\"amount\":\"5\"}", Transfer.class));
        assertThrows(MismatchedInputException.class,
                () -> mapper.readValue("{\"to\":7,\"amount\":5}", Transfer.class));
        assertThrows(MismatchedInputException.class,
                () -> mapper.readValue("{\"to\":\"bob\",\"amount\":5.5}", Transfer.class));
        assertThrows(JsonProcessingException.class,
                () -> mapper.readValue("{\"to\":\"bob\",\"amount\":5} {}", Transfer.class));
    }

    @Test
    void malformedDetailIsFixedTextWithAPositionNotTheInput() {
        String secretish = "{\"to\":\"bob\",\"note\":\"my-plaintext-fragment\" oops}";
        var e = assertThrows(JsonProcessingException.class, () -> mapper.readTree(secretish));
        Problem problem = problemOf(ProblemMappers.malformed(e));
        assertEquals(400, problem.status());
        assertEquals("MALFORMED_JSON", problem.code());
        assertFalse(problem.detail().contains("plaintext"), problem.detail());
        assertFalse(problem.detail().contains("oops"), problem.detail());
        assertTrue(problem.detail().startsWith("The request body is not valid JSON (line 1, column "),
                problem.detail());
    }

    private static Problem problemOf(Response response) {
        return (Problem) response.getEntity();
    }
}
