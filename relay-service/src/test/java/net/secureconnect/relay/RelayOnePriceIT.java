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
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One message, one price — the wallet's price. The packaged wallet runs with MESSAGE = 2 credits (not the
 * contract default 1) and the packaged relay as child processes: a send with copies for the sender's own other
 * devices costs 2 once; forged or extra copies are refused and cost nothing; the relay's reserve arithmetic uses
 * the wallet's price, so a burst never captures more than the balance pays for.
 */
class RelayOnePriceIT {

    static final Path RELAY = Path.of(System.getProperty("relay.it.app", "target/quarkus-app/quarkus-run.jar"));
    static final Path WALLET = Path.of(System.getProperty("wallet.it.app", "../wallet-service/target/quarkus-app/quarkus-run.jar"));
    static final String ADMIN = TestTokens.forUser("root-" + UUID.randomUUID(), "user", "admin");
    /** The wallet's configured message price, deliberately not the compiled default. */
    static final long PRICE = 2;
    static ServiceProcess wallet;
    static ServiceProcess relay;
    static final String ALICE = "alice-" + UUID.randomUUID();
    static final String BOB = "bob-" + UUID.randomUUID();
    static final String CARL = "carl-" + UUID.randomUUID();
    static final String DORA = "dora-" + UUID.randomUUID();
    static final String EVE = "eve-" + UUID.randomUUID();

    @BeforeAll
    static void start() {
        wallet = ServiceProcess.start("wallet", WALLET, Map.of("wallet.prices.message", Long.toString(PRICE)));
        // Production mode (the packaged jar) needs its own TURN secret.
        relay = ServiceProcess.start("relay", RELAY, Map.of("relay.calls.turn-secret", "relay-one-price-it-turn-secret"));
        TestEvents.devices(TestTokens.subjectOf(ALICE), 1, 2, 3);
        TestEvents.devices(TestTokens.subjectOf(BOB), 1, 2);
        TestEvents.devices(TestTokens.subjectOf(CARL), 1);
        TestEvents.devices(TestTokens.subjectOf(DORA), 1, 2);
        TestEvents.devices(TestTokens.subjectOf(EVE), 1);
        for (String user : List.of(ALICE, BOB, CARL, DORA, EVE)) {
            RelayClient.connectWhenKnown(base(), TestTokens.forUser(user), 1).close();
        }
        RelayClient.connectWhenKnown(base(), TestTokens.forUser(ALICE), 3).close();
        RelayClient.connectWhenKnown(base(), TestTokens.forUser(DORA), 2).close();
    }

    @AfterAll
    static void stop() {
        for (ServiceProcess process : new ServiceProcess[]{relay, wallet}) {
            if (process != null) {
                process.stop();
            }
        }
    }

    static URI base() {
        return URI.create(relay.url("/"));
    }

    static void adjust(String account, long credits) {
        RestAssured.given().baseUri(wallet.url("")).auth().oauth2(ADMIN).contentType("application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("credits", credits, "reason", "one price test"))
                .post("/admin/wallets/" + account + "/adjustments").then().statusCode(201);
    }

    static JsonObject walletOf(String account) {
        return new JsonObject(RestAssured.given().baseUri(wallet.url("")).auth().oauth2(ADMIN)
                .get("/wallets/" + account).then().statusCode(200).extract().asString());
    }

    static long balanceOf(String account) {
        return walletOf(account).getLong("balance");
    }

    static double metric(ServiceProcess process, String name, String label) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} ([0-9.eE+-]+)$")
                .matcher(process.get("/q/metrics"));
        double total = 0;
        while (matcher.find()) {
            if (matcher.group(1).contains(label)) {
                total += Double.parseDouble(matcher.group(2));
            }
        }
        return total;
    }

    static JsonArray messages(int... devices) {
        JsonArray list = new JsonArray();
        for (int device : devices) {
            list.add(new JsonObject().put("deviceId", device).put("type", 1)
                    .put("body", Base64.getEncoder().encodeToString(new byte[]{(byte) device, 42})));
        }
        return list;
    }

    static String send(String id, String to, JsonArray messages, JsonArray self) {
        JsonObject frame = new JsonObject().put("type", "send").put("id", id).put("to", to).put("messages", messages);
        if (self != null) {
            frame.put("self", self);
        }
        return frame.encode();
    }

    /** Every deliver frame a device gets until it is quiet for 2 s, acked; their envelope ids. */
    static List<String> drain(RelayClient client) {
        List<String> ids = new ArrayList<>();
        JsonObject frame;
        while ((frame = client.poll(Duration.ofSeconds(2))) != null) {
            if ("deliver".equals(frame.getString("type"))) {
                ids.add(frame.getString("id"));
                client.ack(frame.getString("ackId"));
            }
        }
        return ids;
    }

    @Test
    void oneSendWithCopiesForTheSendersOtherDevicesCostsTheWalletsPriceOnceAndANoteToSelfToo() {
        String alice = TestTokens.subjectOf(ALICE);
        String bob = TestTokens.subjectOf(BOB);
        adjust(alice, 100);
        try (RelayClient a1 = RelayClient.connect(base(), TestTokens.forUser(ALICE), 1);
             RelayClient a2 = RelayClient.connect(base(), TestTokens.forUser(ALICE), 2);
             RelayClient a3 = RelayClient.connect(base(), TestTokens.forUser(ALICE), 3);
             RelayClient b1 = RelayClient.connect(base(), TestTokens.forUser(BOB), 1);
             RelayClient b2 = RelayClient.connect(base(), TestTokens.forUser(BOB), 2)) {
            for (int i = 0; i < 3; i++) {
                a1.sendText(send("m-" + i, bob, messages(1, 2), messages(2, 3)));
                assertEquals("accepted", a1.answer("m-" + i).getString("type"));
            }
            // A note to self: the sender's other devices in messages, one envelope, one price.
            a1.sendText(send("note-1", alice, messages(2, 3), null));
            assertEquals("accepted", a1.answer("note-1").getString("type"));

            Awaits.until(() -> balanceOf(alice) == 100 - 4 * PRICE, "4 sends cost 4 × the wallet's price");
            List<String> toBob = List.of("m-0", "m-1", "m-2");
            assertEquals(toBob, drain(b1));
            assertEquals(toBob, drain(b2));
            List<String> toOwn = List.of("m-0", "m-1", "m-2", "note-1");
            assertEquals(toOwn, drain(a2), "the copy is the same envelope, from the sender");
            assertEquals(toOwn, drain(a3));
            assertTrue(drain(a1).isEmpty(), "nothing back to the sending device");
        }
        // Usage events of one account are in order on one partition: a later send reflected means none is pending.
        try (RelayClient a1 = RelayClient.connect(base(), TestTokens.forUser(ALICE), 1)) {
            a1.sendText(send("m-last", bob, messages(1, 2), messages(2, 3)));
            assertEquals("accepted", a1.answer("m-last").getString("type"));
        }
        Awaits.until(() -> balanceOf(alice) == 100 - 5 * PRICE, "the fifth send");
        assertEquals(0L, walletOf(alice).getLong("overdraftCredits"));
    }

    @Test
    void forgedOrExtraCopiesAreRefusedAndCostNothing() {
        String dora = TestTokens.subjectOf(DORA);
        String bob = TestTokens.subjectOf(BOB);
        String eve = TestTokens.subjectOf(EVE);
        adjust(dora, 100);
        try (RelayClient d1 = RelayClient.connect(base(), TestTokens.forUser(DORA), 1)) {
            // A copy for a device Dora does not have (another account's device id): refused, naming Dora's list.
            d1.sendText(send("f-1", bob, messages(1, 2), messages(2, 9)));
            JsonObject foreign = d1.answer("f-1");
            assertEquals("DEVICE_MISMATCH", foreign.getString("code"));
            assertEquals(dora, foreign.getString("account"));
            assertEquals(List.of(2), foreign.getJsonArray("devices").getList());
            assertEquals(List.of(9), foreign.getJsonArray("extraDevices").getList());
            // A copy for the sending device itself.
            d1.sendText(send("f-2", bob, messages(1, 2), messages(1, 2)));
            assertEquals(List.of(1), d1.answer("f-2").getJsonArray("extraDevices").getList());
            // Copies must name every other device, like the recipient's fan-out.
            d1.sendText(send("f-3", bob, messages(1, 2), new JsonArray()));
            JsonObject missing = d1.answer("f-3");
            assertEquals(dora, missing.getString("account"));
            assertEquals(List.of(2), missing.getJsonArray("missingDevices").getList());
            // Two free copies for one device.
            JsonArray twice = messages(2).add(messages(2).getJsonObject(0));
            d1.sendText(send("f-4", bob, messages(1, 2), twice));
            assertEquals("INVALID_FRAME", d1.answer("f-4").getString("code"));
            // Copies without a message to someone else: a note to self lists its devices in messages, once.
            d1.sendText(send("f-5", dora, messages(2), messages(2)));
            assertEquals("INVALID_FRAME", d1.answer("f-5").getString("code"));
            // Copies ride only on paid messages, not on free call signalling.
            d1.sendText(new JsonObject(send("f-6", bob, messages(1, 2), messages(2))).put("kind", "call-offer")
                    .put("callId", "c-1").encode());
            assertEquals("INVALID_FRAME", d1.answer("f-6").getString("code"));
            // Messages and copies count against one limit of 16 per envelope.
            d1.sendText(send("f-7", bob, messages(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), messages(2, 11, 12, 13, 14, 15, 16)));
            assertEquals("OVERSIZE", d1.answer("f-7").getString("code"));
            // The recipient's list is checked first and named as such.
            d1.sendText(send("f-8", bob, messages(1), messages(2)));
            JsonObject recipient = d1.answer("f-8");
            assertEquals("DEVICE_MISMATCH", recipient.getString("code"));
            assertEquals(bob, recipient.getString("account"));

            // A paid send, then its replay with other copies: accepted once, stored once, charged once.
            d1.sendText(send("p-1", eve, messages(1), messages(2)));
            assertEquals("accepted", d1.answer("p-1").getString("type"));
            d1.sendText(send("p-1", eve, messages(1), messages(2)));
            JsonObject replay = d1.answer("p-1");
            assertEquals("accepted", replay.getString("type"));
            assertTrue(replay.getBoolean("duplicate", false));
            d1.sendText(send("p-2", eve, messages(1), messages(2)));
            assertEquals("accepted", d1.answer("p-2").getString("type"));
        }
        // p-2 reflected means every earlier usage event of Dora's was too (one partition per account).
        Awaits.until(() -> balanceOf(dora) == 100 - 2 * PRICE, "two paid sends, nothing else");
        try (RelayClient d2 = RelayClient.connect(base(), TestTokens.forUser(DORA), 2);
             RelayClient e1 = RelayClient.connect(base(), TestTokens.forUser(EVE), 1)) {
            assertEquals(List.of("p-1", "p-2"), drain(d2), "one copy per paid send, none of a refused one");
            // Eve may also hold other tests' envelopes: only Dora's count here.
            assertEquals(List.of("p-1", "p-2"), drain(e1).stream().filter(id -> id.startsWith("p-")).toList());
        }
        try (RelayClient b1 = RelayClient.connect(base(), TestTokens.forUser(BOB), 1)) {
            assertTrue(drain(b1).stream().noneMatch(id -> id.startsWith("f-")), "refused envelopes reach nobody");
        }
        assertEquals(100 - 2 * PRICE, balanceOf(dora));
    }

    /**
     * Reserve 20 (the relay's default), price 2: from a spendable balance B the relay may capture at most
     * (B − 20) / 2 envelopes before it must ask the wallet; with the compiled price 1 it captured B − 20, which the
     * wallet could not pay (captures are debited min(balance, cost), the rest written off).
     */
    @Test
    void theRelaysReserveUsesTheWalletsPriceSoABurstCapturesOnlyWhatTheBalancePays() {
        String carl = TestTokens.subjectOf(CARL);
        String eve = TestTokens.subjectOf(EVE);
        long reserve = 20;
        adjust(carl, 62);
        try (RelayClient c = RelayClient.connect(base(), TestTokens.forUser(CARL), 1)) {
            // Until the relay has read the balance it authorizes; a captured send shows it has.
            double captured = capturedSoFar();
            int warmUps = 0;
            while (capturedSoFar() == captured) {
                assertTrue(warmUps < 10, "the relay never captured: it does not know the balance");
                c.send("w-" + warmUps, eve, new int[]{1}, new byte[]{1});
                assertEquals("accepted", c.answer("w-" + warmUps).getString("type"));
                warmUps++;
            }
            long warmedUp = warmUps;
            Awaits.until(() -> balanceOf(carl) == 62 - warmedUp * PRICE, "the warm-up sends");
            long before = balanceOf(carl);
            double capturedBefore = capturedSoFar();

            // A burst with no answer awaited in between: decided before the wallet's answers come back. 25 sends
            // cost 50, which the balance pays whatever order the wallet sees captures and authorizations in.
            int burst = 25;
            for (int i = 0; i < burst; i++) {
                c.send("b-" + i, eve, new int[]{1}, new byte[]{2});
            }
            Map<String, Integer> counts = new HashMap<>();
            int accepted = 0;
            for (int i = 0; i < burst; i++) {
                JsonObject answer = c.answer("b-" + i);
                String result = answer.getString("type") + (answer.containsKey("code") ? ":" + answer.getString("code") : "");
                counts.merge(result, 1, Integer::sum);
                accepted += result.equals("accepted") ? 1 : 0;
            }
            double capturedInBurst = capturedSoFar() - capturedBefore;
            System.out.println("[relay-it] price " + PRICE + ", balance " + before + ", burst of " + burst + ": "
                    + counts + ", captured without asking the wallet: " + capturedInBurst);
            assertTrue(capturedInBurst >= 1, "the relay captured while well above the reserve");
            assertTrue(capturedInBurst <= (before - reserve) / PRICE,
                    "captured " + capturedInBurst + " at the wallet's price " + PRICE + " from " + before);
            assertEquals(burst, accepted, "the balance pays for all of them");
            long paid = accepted;
            Awaits.until(() -> balanceOf(carl) == before - paid * PRICE, "every accepted send paid in full");
            assertEquals(0L, walletOf(carl).getLong("overdraftCredits"), "nothing written off");
        }
    }

    static double capturedSoFar() {
        return metric(relay, "relay_envelopes_accepted_total", "mode=\"CAPTURE\"");
    }
}
