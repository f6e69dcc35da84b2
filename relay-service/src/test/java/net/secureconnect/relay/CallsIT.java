package net.secureconnect.relay;

import io.restassured.RestAssured;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import net.secureconnect.relay.support.Awaits;
import net.secureconnect.relay.support.RelayClient;
import net.secureconnect.relay.support.TestEvents;
import net.secureconnect.testsupport.ServiceProcess;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls against two packaged relays and the packaged wallet: the caller pays, only the caller, only for a call that
 * exists; nobody else can answer, signal into or end it; signalling is no free message channel. Hostile clients
 * are plain WebSocket clients sending whatever frames they like. Caller and callee sit on different instances.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CallsIT {

    static final Path RELAY = Path.of(System.getProperty("relay.it.app", "target/quarkus-app/quarkus-run.jar"));
    static final Path WALLET = Path.of(System.getProperty("wallet.it.app", "../wallet-service/target/quarkus-app/quarkus-run.jar"));
    static final String ADMIN = TestTokens.forUser("root-" + UUID.randomUUID(), "user", "admin");
    static final String TURN_SECRET = "calls-it-turn-secret";
    static final Duration MINUTE = Duration.ofSeconds(3);
    static final Duration MARGIN = Duration.ofSeconds(2);
    /** 3 s minutes, 6 s rings; the per-account envelope rate is lifted so 1,000 signals meet the call's own limit. */
    static final Map<String, String> SETTINGS = Map.of(
            "relay.calls.minute", "3s",
            "relay.calls.ring-timeout", "6s",
            "relay.calls.turn-margin", "2s",
            "relay.calls.turn-secret", TURN_SECRET,
            "relay.limits.envelopes-per-second", "100000",
            "relay.outbox.sweep-interval", "2s",
            "relay.outbox.sweep-grace", "1s");
    static ServiceProcess wallet;
    static ServiceProcess relayA;
    static ServiceProcess relayB;
    static final Map<String, String> USERS = new HashMap<>();

    @BeforeAll
    static void start() {
        wallet = ServiceProcess.start("wallet", WALLET, Map.of());
        relayA = ServiceProcess.start("calls-a", RELAY, SETTINGS);
        for (String name : List.of("victim", "bob", "mallory", "alice", "carol", "dave", "erin", "frank", "zed",
                "yara", "gus", "hank", "ida", "jon", "jo", "kim")) {
            String user = name + "-" + UUID.randomUUID();
            USERS.put(name, user);
            TestEvents.devices(TestTokens.subjectOf(user), 1);
        }
        relayB = ServiceProcess.start("calls-b", RELAY, SETTINGS);
        for (String user : USERS.values()) {
            RelayClient.connectWhenKnown(base(relayA), TestTokens.forUser(user), 1).close();
            RelayClient.connectWhenKnown(base(relayB), TestTokens.forUser(user), 1).close();
        }
    }

    @AfterAll
    static void stop() {
        for (ServiceProcess process : new ServiceProcess[]{relayA, relayB, wallet}) {
            if (process != null) {
                process.stop();
            }
        }
    }

    static URI base(ServiceProcess relay) {
        return URI.create(relay.url("/"));
    }

    static String account(String name) {
        return TestTokens.subjectOf(USERS.get(name));
    }

    static RelayClient connect(ServiceProcess relay, String name) {
        return RelayClient.connect(base(relay), TestTokens.forUser(USERS.get(name)), 1);
    }

    static void adjust(String account, long credits) {
        RestAssured.given().baseUri(wallet.url("")).auth().oauth2(ADMIN).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("credits", credits, "reason", "calls test"))
                .post("/admin/wallets/" + account + "/adjustments").then().statusCode(201);
    }

    static long balance(String account) {
        return new JsonObject(RestAssured.given().baseUri(wallet.url("")).auth().oauth2(ADMIN)
                .get("/wallets/" + account).then().statusCode(200).extract().asString()).getLong("balance");
    }

    /** Tops up and waits until both relays have seen it (an offer is then authorized against it). */
    static void fund(String name, long credits) {
        adjust(account(name), credits);
        Awaits.until(() -> balance(account(name)) == credits, "the top-up of " + name);
    }

    static String signal(String kind, String id, String callId, String to, byte[] body) {
        return new JsonObject().put("type", "send").put("kind", kind).put("id", id).put("callId", callId).put("to", to)
                .put("messages", new JsonArray().add(new JsonObject().put("deviceId", 1).put("type", 1)
                        .put("body", Base64.getEncoder().encodeToString(body)))).encode();
    }

    static String signal(String kind, String id, String callId, String to) {
        return signal(kind, id, callId, to, new byte[]{1, 2, 3});
    }

    static JsonObject send(RelayClient client, String kind, String callId, String to) {
        String id = kind + "-" + UUID.randomUUID();
        client.sendText(signal(kind, id, callId, to));
        return client.answer(id);
    }

    /** Offers until accepted (a relay may not have seen the top-up yet: the wallet then refuses minute 1). */
    static void offer(RelayClient caller, String callId, String to) {
        JsonObject answer = send(caller, "call-offer", callId, to);
        assertEquals("accepted", answer.getString("type"), answer.encode());
    }

    /** The expiry in a call-turn frame, after checking its credential against the TURN secret (coturn REST scheme). */
    static long turnExpiry(JsonObject turn, String account) throws Exception {
        String username = turn.getString("username");
        assertTrue(username.endsWith(":" + account), username);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TURN_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        assertEquals(Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8))),
                turn.getString("credential"));
        return Long.parseLong(username.substring(0, username.indexOf(':')));
    }

    static JsonObject nextOfType(RelayClient client, String type, Duration timeout) {
        return client.next(f -> type.equals(f.getString("type")), timeout);
    }

    @Test
    @Order(1)
    void anUnsolicitedAnswerIsRefusedAndTheVictimsBalanceIsUnchanged() {
        fund("victim", 50);
        String victim = account("victim");
        String bob = account("bob");
        try (RelayClient v = connect(relayA, "victim");
             RelayClient b = connect(relayB, "bob");
             RelayClient m = connect(relayB, "mallory")) {
            // No offer at all: an answer "to" the victim with a fresh call id.
            JsonObject answer = send(m, "call-answer", "fake-" + UUID.randomUUID(), victim);
            assertEquals("CALL_NOT_FOUND", answer.getString("code"), answer.encode());

            // The victim really calls Bob; Mallory answers in Bob's place.
            String callId = "call-" + UUID.randomUUID();
            offer(v, callId, bob);
            answer = send(m, "call-answer", callId, victim);
            assertEquals("NOT_A_CALL_PARTY", answer.getString("code"), answer.encode());
            // Nor can Mallory answer a call of Bob's that does not exist, with the victim's id.
            answer = send(m, "call-answer", callId, bob);
            assertEquals("CALL_NOT_FOUND", answer.getString("code"), answer.encode());

            // Unanswered, the call rings out: minute 1 comes back, the victim paid nothing; no TURN to anyone.
            assertEquals("NO_ANSWER", nextOfType(v, "call-ended", Duration.ofSeconds(60)).getString("reason"));
            Awaits.until(() -> balance(victim) == 50, Duration.ofSeconds(60), "minute 1 released");
            assertTrue(v.seen().stream().noneMatch(f -> "call-turn".equals(f.getString("type"))));
            assertTrue(m.seen().stream().noneMatch(f -> "call-turn".equals(f.getString("type"))));
            answer = send(b, "call-answer", callId, victim);
            assertEquals("CALL_ENDED", answer.getString("code"), "a rung-out call cannot be answered late");
        }
        assertEquals(50, balance(victim));
    }

    @Test
    @Order(2)
    void aThirdPartysHangupAndIceAreRefusedTheCallRunsAndTurnCredentialsFollowThePaidPeriod() throws Exception {
        fund("alice", 100);
        String alice = account("alice");
        String carol = account("carol");
        String mallory = account("mallory");
        String callId = "call-" + UUID.randomUUID();
        try (RelayClient a = connect(relayA, "alice");
             RelayClient c = connect(relayB, "carol");
             RelayClient m = connect(relayA, "mallory")) {
            offer(a, callId, carol);
            assertEquals("call-offer", c.next("deliver").getString("kind"));
            assertEquals("CALL_EXISTS", send(a, "call-offer", callId, carol).getString("code"), "a call id is single-use");
            Instant answeredAt = Instant.now();
            assertEquals("accepted", send(c, "call-answer", callId, alice).getString("type"));
            long firstA = turnExpiry(nextOfType(a, "call-turn", Duration.ofSeconds(30)), alice);
            long firstC = turnExpiry(nextOfType(c, "call-turn", Duration.ofSeconds(30)), carol);
            // Valid for the paid minute plus the margin, not an hour.
            long paidEnd = answeredAt.plus(MINUTE).plus(MARGIN).getEpochSecond();
            assertTrue(Math.abs(firstA - paidEnd) <= 2, "expiry " + firstA + " vs paid period end " + paidEnd);
            assertTrue(Math.abs(firstC - paidEnd) <= 2);

            // Mallory tries every way into the call, from both ends, with its real id.
            assertEquals("NOT_A_CALL_PARTY", send(m, "call-hangup", callId, alice).getString("code"));
            assertEquals("NOT_A_CALL_PARTY", send(m, "call-ice", callId, alice).getString("code"));
            assertEquals("CALL_NOT_FOUND", send(m, "call-hangup", callId, carol).getString("code"));
            assertEquals("CALL_NOT_FOUND", send(m, "call-ice", callId, carol).getString("code"));
            assertEquals("NOT_A_CALL_PARTY", send(m, "call-answer", callId, alice).getString("code"));
            // Mallory's own offer with the same id is Mallory's own call: it does not touch Alice's.
            assertNotEquals("CALL_EXISTS", send(m, "call-offer", callId, carol).getString("code"));

            // The call keeps running: the parties still signal, minute 2 is paid and the credentials renewed.
            assertEquals("accepted", send(a, "call-ice", callId, carol).getString("type"));
            assertEquals("accepted", send(c, "call-ice", callId, alice).getString("type"));
            long secondA = turnExpiry(nextOfType(a, "call-turn", Duration.ofSeconds(30)), alice);
            assertEquals(MINUTE.toSeconds(), secondA - firstA, "renewed for one more paid minute");
            assertTrue(a.seen().stream().noneMatch(f -> "call-ended".equals(f.getString("type"))));
            assertTrue(c.seen().stream().noneMatch(f -> "call-ended".equals(f.getString("type"))));

            assertEquals("accepted", send(c, "call-hangup", callId, alice).getString("type"));
            assertEquals("HANGUP", nextOfType(a, "call-ended", Duration.ofSeconds(30)).getString("reason"));
            assertEquals("HANGUP", nextOfType(c, "call-ended", Duration.ofSeconds(30)).getString("reason"));
            assertEquals("CALL_ENDED", send(a, "call-ice", callId, carol).getString("code"));
        }
        // Charged per started minute to the caller only: 2 or 3 minutes (the hangup may follow minute 3's start).
        Awaits.until(() -> balance(alice) <= 90, "two minutes charged");
        long charged = 100 - balance(alice);
        assertTrue(charged == 10 || charged == 15, "charged " + charged);
    }

    @Test
    @Order(3)
    void anAnsweredCallIsChargedPerMinuteToTheCallerOnlyAndEndsOnBothSidesWhenAMinuteCannotBePaid() {
        fund("dave", 12);
        fund("erin", 7);
        String dave = account("dave");
        String erin = account("erin");
        String callId = "call-" + UUID.randomUUID();
        try (RelayClient d = connect(relayA, "dave");
             RelayClient e = connect(relayB, "erin")) {
            offer(d, callId, erin);
            long answeredAt = System.nanoTime();
            assertEquals("accepted", send(e, "call-answer", callId, dave).getString("type"));
            JsonObject endedD = nextOfType(d, "call-ended", Duration.ofSeconds(60));
            long endedAt = System.nanoTime();
            JsonObject endedE = nextOfType(e, "call-ended", Duration.ofSeconds(30));
            assertEquals("INSUFFICIENT_CREDITS", endedD.getString("reason"));
            assertEquals("INSUFFICIENT_CREDITS", endedE.getString("reason"));
            assertEquals(dave, endedE.getString("caller"));
            // Minute 3 starts 2 minutes after the answer and cannot be paid (balance 2): the call ends then, pushed
            // by the refusal itself, not at some later tick.
            double late = (endedAt - answeredAt) / 1e9 - 2 * MINUTE.toSeconds();
            System.out.printf("[calls-it] call ended %.2f s after the start of the unpaid minute%n", late);
            assertTrue(late < MINUTE.toSeconds(), "ended " + late + " s after the unpaid minute started");
            assertEquals(2, d.seen().stream().filter(f -> "call-turn".equals(f.getString("type"))).count(),
                    "credentials for the two paid minutes only");
            assertEquals("CALL_ENDED", send(d, "call-ice", callId, erin).getString("code"));
            assertEquals("CALL_ENDED", send(e, "call-ice", callId, dave).getString("code"));
        }
        assertEquals(2, balance(dave), "5 at the offer, 5 at minute 2");
        assertEquals(7, balance(erin), "the callee pays nothing");
    }

    @Test
    @Order(4)
    void atBalanceZeroAnOfferIsRefusedAndABigIceOutsideAnyCallIsRefused() {
        String bob = account("bob");
        adjust(account("zed"), 1);
        adjust(account("zed"), -1);
        try (RelayClient z = connect(relayA, "zed");
             RelayClient b = connect(relayB, "bob")) {
            JsonObject answer = send(z, "call-offer", "call-" + UUID.randomUUID(), bob);
            assertEquals("INSUFFICIENT_CREDITS", answer.getString("code"), answer.encode());

            String big = "ice-big";
            z.sendText(signal("call-ice", big, "call-" + UUID.randomUUID(), bob, new byte[96 * 1024]));
            assertEquals("SIGNALLING_LIMIT", z.answer(big).getString("code"));
            answer = send(z, "call-ice", "call-" + UUID.randomUUID(), bob);
            assertEquals("CALL_NOT_FOUND", answer.getString("code"));
            assertNull(b.poll(Duration.ofSeconds(3)), "nothing reached Bob");
        }
        assertEquals(0, balance(account("zed")));
    }

    @Test
    @Order(5)
    void aThousandSignallingEnvelopesInOneCallAreCutOffAtTheLimit() {
        fund("frank", 200);
        String frank = account("frank");
        String yara = account("yara");
        String callId = "call-" + UUID.randomUUID();
        try (RelayClient f = connect(relayA, "frank");
             RelayClient y = connect(relayB, "yara")) {
            offer(f, callId, yara);
            assertEquals("accepted", send(y, "call-answer", callId, frank).getString("type"));
            // In windows below the connection's limit of sends waiting for an answer (RELAY_CONNECTION_MAX_PENDING_SENDS),
            // so that what cuts the call's signalling off is its own limit, not the connection's.
            int accepted = 0;
            int limited = 0;
            for (int window = 0; window < 1000; window += 50) {
                List<String> ids = new ArrayList<>();
                for (int i = window; i < window + 50; i++) {
                    String id = "ice-" + i;
                    ids.add(id);
                    f.sendText(signal("call-ice", id, callId, yara, new byte[512]));
                }
                for (String id : ids) {
                    JsonObject answer = f.answer(id);
                    if ("accepted".equals(answer.getString("type"))) {
                        accepted++;
                    } else if ("SIGNALLING_LIMIT".equals(answer.getString("code"))) {
                        limited++;
                    }
                }
            }
            System.out.printf("[calls-it] 1000 ice: %d accepted, %d refused SIGNALLING_LIMIT%n", accepted, limited);
            assertEquals(200 - 2, accepted, "the offer and the answer count towards the call's 200");
            assertEquals(1000 - 198, limited);
            assertEquals("accepted", send(f, "call-hangup", callId, yara).getString("type"), "hangup is always possible");
        }
    }

    @Test
    @Order(6)
    void aCallerSuspendedForCallsCannotSignalButHangsUpAndTheCancelledCallCostsNothing() {
        fund("gus", 6);
        String gus = account("gus");
        String hank = account("hank");
        String callId = "call-" + UUID.randomUUID();
        try (RelayClient g = connect(relayA, "gus");
             RelayClient h = connect(relayB, "hank")) {
            offer(g, callId, hank);
            // Balance 1 after minute 1: the wallet suspends calls; Gus's signalling stops, his hangup still works.
            Awaits.until(() -> {
                JsonObject answer = send(g, "call-ice", callId, hank);
                return "INSUFFICIENT_CREDITS".equals(answer.getString("code"));
            }, "signalling of a caller suspended for calls refused");
            assertEquals("accepted", send(g, "call-hangup", callId, hank).getString("type"));
        }
        Awaits.until(() -> balance(gus) == 6, "minute 1 of the cancelled call given back");
    }

    /**
     * A caller whose balance pays exactly one minute: suspended for calls once minute 1 is authorized, so nothing
     * while it rings, but once answered the minute is paid and the caller's ICE must pass (else the call can never
     * connect and the minute is charged for nothing); the call ends when minute 2 cannot be paid.
     */
    @Test
    @Order(7)
    void aCallerWhoseBalancePaysOneMinuteSignalsInThatMinuteOnceAnswered() {
        fund("jo", 5);
        String jo = account("jo");
        String kim = account("kim");
        String callId = "call-" + UUID.randomUUID();
        try (RelayClient j = connect(relayA, "jo");
             RelayClient k = connect(relayB, "kim")) {
            offer(j, callId, kim);
            Awaits.until(() -> "INSUFFICIENT_CREDITS".equals(send(j, "call-ice", callId, kim).getString("code")),
                    "the relay knows jo is suspended for calls (ringing: no signalling)");
            assertEquals("accepted", send(k, "call-answer", callId, jo).getString("type"));
            assertEquals("accepted", send(j, "call-ice", callId, kim).getString("type"),
                    "answered: the caller signals in the minute paid for");
            assertEquals("INSUFFICIENT_CREDITS", nextOfType(j, "call-ended", Duration.ofSeconds(60)).getString("reason"));
            assertEquals("INSUFFICIENT_CREDITS", nextOfType(k, "call-ended", Duration.ofSeconds(30)).getString("reason"));
        }
        assertEquals(0, balance(jo), "exactly minute 1");
    }

    @Test
    @Order(8)
    void anOfferOnAnInstanceThatDiesIsReleasedByAnotherInstancesSweeper() {
        fund("ida", 20);
        String ida = account("ida");
        String jon = account("jon");
        String callId = "call-" + UUID.randomUUID();
        try (RelayClient i = connect(relayB, "ida")) {
            offer(i, callId, jon);
            Awaits.until(() -> balance(ida) == 15, "minute 1 authorized");
            relayB.kill(); // before the ring timer fires
        }
        Awaits.until(() -> balance(ida) == 20, Duration.ofSeconds(120), "relay A's sweeper released minute 1");
        try (RelayClient j = connect(relayA, "jon")) {
            assertEquals("CALL_ENDED", send(j, "call-answer", callId, ida).getString("code"));
        }
        relayB.restart();
    }

    @Test
    @Order(9)
    void inProductionTheRelayRefusesToStartWithoutItsOwnTurnSecret() {
        Map<String, String> noSecret = new HashMap<>(SETTINGS);
        noSecret.remove("relay.calls.turn-secret");
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> ServiceProcess.start("calls-no-secret", RELAY, noSecret).stop());
        assertTrue(missing.getMessage().contains("relay.calls.turn-secret"), missing.getMessage());
        noSecret.put("relay.calls.turn-secret", "secureconnect-dev-turn-secret");
        IllegalStateException dev = assertThrows(IllegalStateException.class,
                () -> ServiceProcess.start("calls-dev-secret", RELAY, noSecret).stop());
        assertTrue(dev.getMessage().contains("relay.calls.turn-secret"), dev.getMessage());
    }
}
