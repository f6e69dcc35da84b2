package net.secureconnect.identity;

import net.secureconnect.testsupport.ManagementInterface;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.engine.SourceOfRandomness;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Broken requests against every endpoint: malformed JSON, wrong-length keys, bad base64, unknown fields,
 * wrong types, out-of-range numbers, huge arrays, deep nesting, duplicate keys, wrong content types and
 * garbage path segments. Each request is built invalid by construction; every answer must be a 4xx
 * problem+json with a stable code, never a 5xx, and the service must still be ready and working after.
 *
 * <p>Generators are jqwik arbitraries sampled outside a property (Quarkus tests run in JUnit Jupiter, not in
 * jqwik's engine), from one seeded source of randomness: {@code -Dfuzz.seed=…} replays a run,
 * {@code -Dfuzz.requests=…} changes its length (the seed is logged). No shrinking: a failure message
 * carries the request instead.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class RequestFuzzTest {

    private static final Logger LOG = Logger.getLogger(RequestFuzzTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long SEED = Long.getLong("fuzz.seed", 0x5EC0_4E3EL);
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 600);
    private static final Set<String> KEY_FIELDS = Set.of("identityKey", "agreementKey", "agreementKeySignature",
            "publicKey", "signature");
    private static final Set<String> INT_FIELDS = Set.of("registrationId", "keyId");
    private static final Set<String> OPTIONAL_FIELDS = Set.of("kemLastResortPrekey");

    enum BodyEndpoint { USERNAME_CLAIM, DEVICE_REGISTRATION, IDENTITY_REPLACEMENT, KEY_UPLOAD }

    enum PathEndpoint { USERNAME_LOOKUP, BUNDLE_ALL, BUNDLE_ONE, DEVICE_DELETE, KEY_COUNTS, ACCOUNT_DELETE, DEVICE_LIST }

    enum Mutation {
        TRUNCATED, STRUCTURAL_CHAR, RANDOM_BYTES, UNKNOWN_FIELD, WRONG_TYPE, NULL_REQUIRED, MISSING_REQUIRED,
        WRONG_LENGTH_KEY, BAD_BASE64, OUT_OF_RANGE, HUGE_ARRAY, DEEP_NESTING, DUPLICATE_KEY, NOT_AN_OBJECT,
        FOREIGN_SIGNATURE, WRONG_CONTENT_TYPE, EMPTY_BODY, OVERSIZED
    }

    /** One seeded source for our choices and jqwik's samples alike, so a seed replays a run exactly. */
    private Random random;
    private final Map<String, Integer> codes = new TreeMap<>();
    private String user;
    private String accountId;
    private int device;
    private DeviceKeyMaterial deviceKeys;
    private final Map<BodyEndpoint, List<ObjectNode>> validBodies = new java.util.EnumMap<>(BodyEndpoint.class);

    @Test
    void brokenRequestsGetOnlyProblemJson4xxAndTheServiceStaysHealthy() throws Exception {
        LOG.infof("fuzzing with -Dfuzz.seed=%d -Dfuzz.requests=%d", SEED, REQUESTS);
        // jqwik's samples outside a property draw from this thread's source of randomness; seed it.
        random = SourceOfRandomness.create(Long.toString(SEED));
        user = Api.newUser();
        accountId = Api.accountOf(user);
        deviceKeys = new DeviceKeyMaterial();
        device = Api.registerDevice(user, accountId, deviceKeys, 1);
        prepareValidBodies();

        Arbitrary<Boolean> bodyOrPath = Arbitraries.of(true, true, true, false);
        for (int i = 0; i < REQUESTS; i++) {
            if (sample(bodyOrPath)) {
                fuzzBody(i);
            } else {
                fuzzPath(i);
            }
        }
        LOG.infof("fuzz answers by code: %s", codes);

        // Every family of refusal was reached, so the run exercised more than the JSON parser.
        for (String code : List.of("MALFORMED_JSON", "VALIDATION_FAILED", "UNKNOWN_FIELD", "INVALID_SIGNATURE",
                "UNSUPPORTED_MEDIA_TYPE", "NOT_FOUND", "NOT_ACCOUNT_OWNER", "REQUEST_ENTITY_TOO_LARGE", "LENGTH_REQUIRED")) {
            assertTrue(codes.containsKey(code), code + " never answered: " + codes);
        }
        ManagementInterface.given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        // Nothing broken got in, and the account still works.
        Api.as(user).get("/v1/accounts/me").then().statusCode(200).body("devices", equalTo(List.of(device)));
        Api.uploadKeys(user, accountId, device, Map.of("signedPrekey", deviceKeys.signedPrekey(2))).statusCode(204);
        Api.as(Api.newUser()).get("/v1/bundles/" + accountId + "/" + device).then().statusCode(200)
                .body("devices[0].identityKey", equalTo(deviceKeys.identityKey()));
    }

    private void prepareValidBodies() {
        for (BodyEndpoint endpoint : BodyEndpoint.values()) {
            List<ObjectNode> bodies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                bodies.add(switch (endpoint) {
                    case USERNAME_CLAIM -> tree(Map.of("username", UsernameTest.freshName()));
                    case DEVICE_REGISTRATION -> tree(new DeviceKeyMaterial().registration(100 + i));
                    case IDENTITY_REPLACEMENT -> tree(new DeviceKeyMaterial().registration(200 + i));
                    case KEY_UPLOAD -> tree(Map.of(
                            "signedPrekey", deviceKeys.signedPrekey(10 + i),
                            "kemLastResortPrekey", deviceKeys.kemPrekey(10 + i),
                            "oneTimePrekeys", DeviceKeyMaterial.oneTimePrekeys(1, 3),
                            "kemOneTimePrekeys", deviceKeys.kemPrekeys(1, 2)));
                });
            }
            validBodies.put(endpoint, bodies);
        }
    }

    // ---- bodies --------------------------------------------------------------------------------

    private void fuzzBody(int index) throws JsonProcessingException {
        BodyEndpoint endpoint = sample(Arbitraries.of(BodyEndpoint.class));
        ObjectNode body = validBodies.get(endpoint).get(random.nextInt(3)).deepCopy();
        Mutation mutation = sample(Arbitraries.of(Mutation.class)
                .filter(m -> endpoint != BodyEndpoint.USERNAME_CLAIM || !Set.of(Mutation.WRONG_LENGTH_KEY,
                        Mutation.BAD_BASE64, Mutation.OUT_OF_RANGE, Mutation.FOREIGN_SIGNATURE).contains(m)));
        String contentType = "application/json";
        byte[] bytes;
        switch (mutation) {
            case TRUNCATED -> {
                byte[] full = JSON.writeValueAsBytes(body);
                bytes = java.util.Arrays.copyOf(full, random.nextInt(full.length));
            }
            case STRUCTURAL_CHAR -> {
                String text = JSON.writeValueAsString(body);
                int at = random.nextInt(text.length() + 1);
                char inserted = sample(Arbitraries.of('{', '}', '[', ']', ':', ',', '"'));
                bytes = (text.substring(0, at) + inserted + text.substring(at)).getBytes(StandardCharsets.UTF_8);
            }
            case RANDOM_BYTES -> bytes = sample(Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300));
            case UNKNOWN_FIELD -> {
                ObjectNode target = randomObject(body);
                target.set("x" + sample(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(30)), randomScalar());
                bytes = JSON.writeValueAsBytes(body);
            }
            case WRONG_TYPE -> {
                Field field = randomField(body, f -> true);
                field.replace(wrongTypeFor(field.value()));
                bytes = JSON.writeValueAsBytes(body);
            }
            case NULL_REQUIRED -> {
                randomField(body, f -> f.required(endpoint)).replace(NODES.nullNode());
                bytes = JSON.writeValueAsBytes(body);
            }
            case MISSING_REQUIRED -> {
                Field field = randomField(body, f -> f.required(endpoint) && f.name() != null);
                field.parent().remove(field.name());
                bytes = JSON.writeValueAsBytes(body);
            }
            case WRONG_LENGTH_KEY -> {
                Field field = randomField(body, f -> f.name() != null && KEY_FIELDS.contains(f.name()));
                int expected = Base64.getDecoder().decode(field.value().asText()).length;
                int length = sample(Arbitraries.of(0, 1, 16, 31, 33, 63, 65, 1183, 1185, 4096)
                        .filter(n -> n != expected));
                byte[] key = new byte[length];
                random.nextBytes(key);
                field.replace(NODES.textNode(Base64.getEncoder().encodeToString(key)));
                bytes = JSON.writeValueAsBytes(body);
            }
            case BAD_BASE64 -> {
                Field field = randomField(body, f -> f.name() != null && KEY_FIELDS.contains(f.name()));
                field.replace(NODES.textNode(badBase64(field.value().asText())));
                bytes = JSON.writeValueAsBytes(body);
            }
            case OUT_OF_RANGE -> {
                Field field = randomField(body, f -> f.name() != null && INT_FIELDS.contains(f.name()));
                field.replace(outOfRange(field.name()));
                bytes = JSON.writeValueAsBytes(body);
            }
            case HUGE_ARRAY -> {
                if (endpoint == BodyEndpoint.KEY_UPLOAD && random.nextBoolean()) {
                    body.set("oneTimePrekeys", tree(DeviceKeyMaterial.oneTimePrekeys(1, 101 + random.nextInt(2000))));
                } else {
                    ArrayNode huge = NODES.arrayNode();
                    int size = 1_000 + random.nextInt(20_000);
                    for (int i = 0; i < size; i++) {
                        huge.add(i);
                    }
                    randomField(body, f -> true).replace(huge);
                }
                bytes = JSON.writeValueAsBytes(body);
            }
            case DEEP_NESTING -> {
                int depth = 500 + random.nextInt(3_000);
                body.put(body.fieldNames().next(), "__NESTED__");
                bytes = JSON.writeValueAsString(body).replace("\"__NESTED__\"", "[".repeat(depth) + "]".repeat(depth))
                        .getBytes(StandardCharsets.UTF_8);
            }
            case DUPLICATE_KEY -> {
                String first = body.fieldNames().next();
                String text = JSON.writeValueAsString(body);
                bytes = ("{\"" + first + "\":" + JSON.writeValueAsString(body.get(first)) + "," + text.substring(1))
                        .getBytes(StandardCharsets.UTF_8);
            }
            case NOT_AN_OBJECT -> bytes = sample(Arbitraries.of("[]", "null", "42", "\"text\"", "true", "[{}]", "1.5"))
                    .getBytes(StandardCharsets.UTF_8);
            case FOREIGN_SIGNATURE -> {
                Field field = randomField(body, f -> f.name() != null && f.name().endsWith("ignature"));
                field.replace(NODES.textNode(new DeviceKeyMaterial().sign(new byte[] {1, 2, 3})));
                bytes = JSON.writeValueAsBytes(body);
            }
            case WRONG_CONTENT_TYPE -> {
                contentType = sample(Arbitraries.of("text/plain", "application/xml", "application/octet-stream",
                        "application/x-www-form-urlencoded"));
                bytes = JSON.writeValueAsBytes(body);
            }
            case EMPTY_BODY -> bytes = new byte[0];
            case OVERSIZED -> {
                // Past the 512 KiB body limit: refused before any parsing.
                randomField(body, f -> true).replace(NODES.textNode("A".repeat(600_000 + random.nextInt(400_000))));
                bytes = JSON.writeValueAsBytes(body);
            }
            default -> throw new IllegalStateException(mutation.name());
        }
        String path = switch (endpoint) {
            case USERNAME_CLAIM -> "/v1/accounts/" + accountId + "/username";
            case DEVICE_REGISTRATION -> "/v1/accounts/" + accountId + "/devices";
            case IDENTITY_REPLACEMENT -> "/v1/accounts/" + accountId + "/devices/" + device + "/identity";
            case KEY_UPLOAD -> "/v1/accounts/" + accountId + "/devices/" + device + "/keys";
        };
        String method = endpoint == BodyEndpoint.DEVICE_REGISTRATION ? "POST" : "PUT";
        byte[] sent = bytes;
        // Mostly with a Content-Length; now and then chunked (refused: the API wants declared lengths).
        HttpRequest.BodyPublisher publisher = random.nextInt(20) == 0
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(sent))
                : HttpRequest.BodyPublishers.ofByteArray(sent);
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(Concurrently.uri(path))
                .header("Content-Type", contentType)
                .method(method, publisher));
        check(index, method + " " + path + " " + mutation, bytes, response);
    }

    // ---- paths ---------------------------------------------------------------------------------

    private void fuzzPath(int index) {
        PathEndpoint endpoint = sample(Arbitraries.of(PathEndpoint.class));
        // Never the real device's id in any spelling the int conversion accepts: that request would be valid.
        String segment = encode(sample(Arbitraries.oneOf(
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(60),
                Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(300),
                Arbitraries.of("-1", "0", "2147483648", "99999999999999999999999", "1e3", "0x10", "%00", "null",
                        "00000000-0000-4000-8000-000000000000", "%2e%2e", "ab", "a".repeat(33), "a b", "\u0000"))
                .filter(raw -> !namesTheDevice(raw))));
        String method = "GET";
        String path = switch (endpoint) {
            case USERNAME_LOOKUP -> "/v1/usernames/" + segment;
            case BUNDLE_ALL -> "/v1/bundles/" + segment;
            case BUNDLE_ONE -> random.nextBoolean() ? "/v1/bundles/" + accountId + "/" + segment
                    : "/v1/bundles/" + segment + "/" + device;
            case DEVICE_DELETE -> {
                method = "DELETE";
                yield "/v1/accounts/" + accountId + "/devices/" + segment;
            }
            case KEY_COUNTS -> "/v1/accounts/" + accountId + "/devices/" + segment + "/keys";
            case ACCOUNT_DELETE -> {
                method = "DELETE";
                yield "/v1/accounts/" + segment;
            }
            case DEVICE_LIST -> "/v1/accounts/" + segment + "/devices";
        };
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(Concurrently.uri(path))
                .method(method, HttpRequest.BodyPublishers.noBody()));
        check(index, method + " " + path, new byte[0], response);
    }

    private boolean namesTheDevice(String raw) {
        try {
            return Integer.parseInt(raw.trim()) == device;
        } catch (NumberFormatException notANumber) {
            return false;
        }
    }

    /** Percent-encodes everything but RFC 3986's unreserved characters (and never yields a dot segment). */
    private static String encode(String raw) {
        StringBuilder out = new StringBuilder();
        for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '~') {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return out.toString();
    }

    // ---- the property ----------------------------------------------------------------------------

    /** Sent as is: java.net.http neither re-encodes the path nor judges the body. */
    private HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return CLIENT.send(request.header("Authorization", "Bearer " + Api.token(user))
                    .timeout(java.time.Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException e) {
            throw new AssertionError("the service dropped the connection", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void check(int index, String what, byte[] body, HttpResponse<byte[]> response) {
        int status = response.statusCode();
        String answer = new String(response.body(), StandardCharsets.UTF_8);
        String described = "#" + index + " " + what + " (seed " + SEED + ") → " + status + " "
                + abbreviate(answer) + "\nbody: " + abbreviate(new String(body, StandardCharsets.UTF_8));
        if (status < 400 || status > 499) {
            fail("not a 4xx: " + described);
        }
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                "problem+json: " + described);
        JsonNode problem;
        try {
            problem = JSON.readTree(response.body());
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + described, e);
        }
        assertNotNull(problem.get("code"), described);
        assertTrue(problem.get("code").asText().matches("[A-Z][A-Z_]*"), described);
        assertEquals(status, problem.path("status").asInt(), described);
        codes.merge(problem.get("code").asText(), 1, Integer::sum);
    }

    // ---- generators ----------------------------------------------------------------------------

    private static <T> T sample(Arbitrary<T> arbitrary) {
        return arbitrary.sample();
    }

    private static ObjectNode tree(Object value) {
        return JSON.valueToTree(value);
    }

    private static ArrayNode tree(List<?> value) {
        return JSON.valueToTree(value);
    }

    private JsonNode randomScalar() {
        return switch (random.nextInt(5)) {
            case 0 -> NODES.textNode("x");
            case 1 -> NODES.numberNode(random.nextInt());
            case 2 -> NODES.booleanNode(random.nextBoolean());
            case 3 -> NODES.nullNode();
            default -> NODES.objectNode();
        };
    }

    private JsonNode wrongTypeFor(JsonNode value) {
        List<JsonNode> candidates = new ArrayList<>(List.of(NODES.textNode("AAAA"), NODES.numberNode(7),
                NODES.numberNode(1.5), NODES.booleanNode(true), NODES.objectNode(), NODES.arrayNode().add(1)));
        // A float where an integer belongs is a wrong type too (no coercion); another integer is not.
        candidates.removeIf(c -> c.isNumber() && value.isNumber() ? c.isIntegralNumber() == value.isIntegralNumber()
                : c.getNodeType() == value.getNodeType());
        return candidates.get(random.nextInt(candidates.size()));
    }

    private JsonNode outOfRange(String field) {
        List<Long> values = "registrationId".equals(field)
                ? List.of(0L, -1L, 16_384L, 2_147_483_648L, -2_147_483_649L, Long.MAX_VALUE)
                : List.of(-1L, 16_777_216L, 2_147_483_648L, Long.MIN_VALUE);
        return NODES.numberNode(values.get(random.nextInt(values.size())));
    }

    private String badBase64(String canonical) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        int at = random.nextInt(canonical.length() - 2);
        return switch (random.nextInt(6)) {
            case 0 -> canonical.replace("=", "");                                          // padding missing
            case 1 -> canonical.substring(0, at) + '-' + canonical.substring(at + 1);      // URL alphabet
            case 2 -> canonical.substring(0, at) + sample(Arbitraries.of(" ", "\n", "\t", "\r\n")) + canonical.substring(at);
            case 3 -> {                                                                    // bits after the last byte
                int last = canonical.indexOf('=') - 1;
                int value = alphabet.indexOf(canonical.charAt(last)) | 1;
                yield canonical.substring(0, last) + alphabet.charAt(value) + canonical.substring(last + 1);
            }
            case 4 -> canonical.substring(0, at) + sample(Arbitraries.of('*', '%', '.', 'é', '\u0000', '"'))
                    + canonical.substring(at + 1);
            default -> canonical + "=";                                                     // extra padding
        };
    }

    /** A field somewhere in the tree (object member or array element) and how to replace it. */
    record Field(JsonNode container, String name, int index, JsonNode value, int depth) {
        void replace(JsonNode replacement) {
            if (container instanceof ObjectNode object) {
                object.set(name, replacement);
            } else {
                ((ArrayNode) container).set(index, replacement);
            }
        }

        ObjectNode parent() {
            return (ObjectNode) container;
        }

        /** Leaving it out or null makes the request invalid. */
        boolean required(BodyEndpoint endpoint) {
            if (name == null) {
                return true; // list elements must not be null
            }
            return !OPTIONAL_FIELDS.contains(name) && !(endpoint == BodyEndpoint.KEY_UPLOAD && depth == 1);
        }
    }

    private Field randomField(ObjectNode body, java.util.function.Predicate<Field> accept) {
        List<Field> fields = new ArrayList<>();
        collect(body, 1, fields);
        List<Field> accepted = fields.stream().filter(accept).toList();
        if (accepted.isEmpty()) {
            throw new IllegalStateException("no field to mutate in " + body);
        }
        return accepted.get(random.nextInt(accepted.size()));
    }

    private static void collect(JsonNode container, int depth, List<Field> into) {
        if (container instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                into.add(new Field(object, entry.getKey(), -1, entry.getValue(), depth));
                collect(entry.getValue(), depth + 1, into);
            }
        } else if (container instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                into.add(new Field(array, null, i, array.get(i), depth));
                collect(array.get(i), depth + 1, into);
            }
        }
    }

    private ObjectNode randomObject(ObjectNode body) {
        List<ObjectNode> objects = new ArrayList<>();
        objects.add(body);
        List<Field> fields = new ArrayList<>();
        collect(body, 1, fields);
        fields.stream().map(Field::value).filter(ObjectNode.class::isInstance).map(ObjectNode.class::cast)
                .forEach(objects::add);
        return objects.get(random.nextInt(objects.size()));
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…(" + text.length() + " chars)";
    }

}
