package net.secureconnect.relay;

import net.secureconnect.testsupport.ManagementInterface;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import net.secureconnect.relay.repository.QueueStore;
import net.secureconnect.relay.service.BalanceBook;
import net.secureconnect.relay.service.DeviceDirectory;
import net.secureconnect.relay.support.Awaits;
import net.secureconnect.relay.support.RelayClient;
import net.secureconnect.relay.support.TestEvents;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Frames a client should never send: each gets an error frame with a stable code, the connection stays usable,
 * the relay stays ready, and nothing reaches the recipient's queue or the usage topic.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class RelayFrameFuzzTest {

    @TestHTTPResource("/")
    URI base;
    @Inject
    DeviceDirectory directory;
    @Inject
    BalanceBook balances;
    @Inject
    QueueStore store;

    private static String b64(int size) {
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        return Base64.getEncoder().encodeToString(body);
    }

    private static String send(String id, String to, Object messages) {
        return new JsonObject().put("type", "send").put("id", id).put("to", to).put("messages", messages).encode();
    }

    private static JsonArray one(Object deviceId, Object type, Object body) {
        return new JsonArray().add(new JsonObject().put("deviceId", deviceId).put("type", type).put("body", body));
    }

    @Test
    void badFramesGetErrorFramesOnlyAndNothingIsStored() {
        String sender = "fz-" + UUID.randomUUID();
        String recipient = "fz-" + UUID.randomUUID();
        String alice = TestTokens.subjectOf(sender);
        String bob = TestTokens.subjectOf(recipient);
        TestEvents.devices(alice, 1);
        TestEvents.devices(bob, 1);
        TestEvents.balance(alice, 100_000, 1, "opened");
        Awaits.until(() -> directory.hasDevice(bob, 1) && directory.hasDevice(alice, 1)
                && balances.spendable(alice) >= 100_000, "state");

        // Each entry: frame, expected error code.
        List<String[]> cases = new ArrayList<>(List.of(
                new String[]{"", "MALFORMED_FRAME"},
                new String[]{"{", "MALFORMED_FRAME"},
                new String[]{"not json at all", "MALFORMED_FRAME"},
                new String[]{"[1,2,3]", "MALFORMED_FRAME"},
                new String[]{"42", "MALFORMED_FRAME"},
                new String[]{"null", "MALFORMED_FRAME"},
                new String[]{"{}", "UNKNOWN_FRAME"},
                new String[]{"{\"type\":\"deliver\",\"id\":\"x\"}", "UNKNOWN_FRAME"},
                new String[]{"{\"type\":7}", "UNKNOWN_FRAME"},
                new String[]{"{\"type\":\"subscribe\",\"id\":\"x\"}", "UNKNOWN_FRAME"},
                new String[]{send("f1", bob, "not-an-array"), "INVALID_FRAME"},
                new String[]{send("f2", bob, new JsonArray()), "INVALID_FRAME"},
                new String[]{send("f3", bob, one("1", 1, b64(10))), "INVALID_FRAME"},
                new String[]{send("f4", bob, one(0, 1, b64(10))), "INVALID_FRAME"},
                new String[]{send("f5", bob, one(1.5, 1, b64(10))), "INVALID_FRAME"},
                new String[]{send("f6", bob, one(1, true, b64(10))), "INVALID_FRAME"},
                new String[]{send("f7", bob, one(1, 1, "!!not base64!!")), "INVALID_FRAME"},
                new String[]{send("f8", bob, one(1, 1, "")), "INVALID_FRAME"},
                new String[]{send("f9", bob, one(1, 1, 12345)), "INVALID_FRAME"},
                new String[]{send("f10", bob, one(1, "has space", b64(10))), "INVALID_FRAME"},
                new String[]{send("f11", bob, new JsonArray().add(one(1, 1, b64(10)).getValue(0)).add(one(1, 1, b64(10)).getValue(0))), "INVALID_FRAME"},
                new String[]{new JsonObject().put("type", "send").put("to", bob).put("messages", one(1, 1, b64(10))).encode(), "INVALID_FRAME"},
                new String[]{new JsonObject().put("type", "send").put("id", "f12").put("messages", one(1, 1, b64(10))).encode(), "INVALID_FRAME"},
                new String[]{new JsonObject().put("type", "send").put("id", "f13").put("to", 5).put("messages", one(1, 1, b64(10))).encode(), "INVALID_FRAME"},
                new String[]{new JsonObject().put("type", "send").put("id", "x".repeat(200)).put("to", bob).put("messages", one(1, 1, b64(10))).encode(), "INVALID_FRAME"},
                new String[]{send("f14", bob, one(1, 1, b64(96 * 1024 + 1))), "OVERSIZE"},
                new String[]{"{\"type\":\"ack\"}", "INVALID_FRAME"},
                new String[]{"{\"type\":\"ack\",\"ackId\":\"../../etc\"}", "INVALID_FRAME"},
                new String[]{"{\"type\":\"ack\",\"ackId\":12}", "INVALID_FRAME"}));
        JsonArray many = new JsonArray();
        for (int i = 1; i <= 17; i++) {
            many.add(new JsonObject().put("deviceId", i).put("type", 1).put("body", b64(10)));
        }
        cases.add(new String[]{send("f15", bob, many), "OVERSIZE"});
        // Random printable garbage and random mutations of a valid frame.
        Random random = new Random(42);
        String valid = send("ok", bob, one(1, 1, b64(30)));
        for (int i = 0; i < 40; i++) {
            char[] chars = valid.toCharArray();
            for (int j = 0; j < 3; j++) {
                chars[random.nextInt(chars.length)] = (char) (32 + random.nextInt(95));
            }
            cases.add(new String[]{new String(chars), null}); // any error code, or a refusal for a still-valid frame
        }

        try (RelayClient a = RelayClient.connect(base, TestTokens.forUser(sender), 1)) {
            for (String[] c : cases) {
                a.sendText(c[0]);
                JsonObject answer = a.next(f -> true, Duration.ofSeconds(30));
                if (c[1] != null) {
                    assertEquals("error", answer.getString("type"), "answer to " + abbreviate(c[0]));
                    assertEquals(c[1], answer.getString("code"), "answer to " + abbreviate(c[0]));
                } else {
                    assertTrue(List.of("error", "refused", "accepted").contains(answer.getString("type")));
                    if ("accepted".equals(answer.getString("type"))) {
                        // a mutation that kept the frame valid (e.g. in the body's base64) is a legitimate send
                        assertFalse(answer.getString("id").isEmpty());
                    }
                }
            }
            for (int i = 0; i < 10; i++) {
                byte[] garbage = new byte[1 + random.nextInt(2000)];
                random.nextBytes(garbage);
                a.sendBinary(garbage);
                JsonObject answer = a.next(f -> "BINARY_FRAME".equals(f.getString("code")), Duration.ofSeconds(30));
                assertEquals("BINARY_FRAME", answer.getString("code"));
            }
            // The connection is still usable.
            a.sendText(send("after-fuzz", bob, one(1, 1, b64(30))));
            assertEquals("accepted", a.answer("after-fuzz").getString("type"));
        }
        // Only the legitimate sends reached Bob's queue: none of the error cases did.
        long accepted = 1;
        assertTrue(store.count(QueueStore.destination(bob, 1)) <= accepted + 40);
        List<String> stored = store.page(QueueStore.destination(bob, 1), java.util.Optional.empty(), 100).rows().stream()
                .map(QueueStore.QueuedMessage::envelopeId).toList();
        for (String[] c : cases) {
            if (c[1] != null) {
                for (String id : List.of("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15")) {
                    assertFalse(stored.contains(id), id + " must not be stored");
                }
            }
        }
        assertTrue(stored.contains("after-fuzz"));
        ManagementInterface.given().get("/q/health/ready").then().statusCode(200);
    }

    private static String abbreviate(String frame) {
        return frame.length() > 120 ? frame.substring(0, 120) + "…" : frame;
    }
}
