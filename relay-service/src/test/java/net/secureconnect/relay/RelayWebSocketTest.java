package net.secureconnect.relay;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.relay.protocol.EnvelopeKind;
import net.secureconnect.relay.repository.QueueStore;
import net.secureconnect.relay.service.BalanceBook;
import net.secureconnect.relay.service.CallMeter;
import net.secureconnect.relay.service.DeviceDirectory;
import net.secureconnect.relay.service.EnvelopeRouter;
import net.secureconnect.relay.service.UsageOutbox;
import net.secureconnect.contracts.json.EventJson;
import java.time.Instant;
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
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One relay instance against the real Kafka broker and dynoxide: connection, delivery, queues, billing paths. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class RelayWebSocketTest {

    @TestHTTPResource("/")
    URI base;
    @Inject
    DeviceDirectory directory;
    @Inject
    BalanceBook balances;
    @Inject
    QueueStore store;
    @Inject
    UsageOutbox outbox;

    /** A user with devices and (optionally) a comfortable balance, known to the relay. */
    record User(String name, String account, String token) {
    }

    private User user(long balance, int... devices) {
        String name = "u-" + UUID.randomUUID();
        String account = TestTokens.subjectOf(name);
        TestEvents.devices(account, devices);
        if (balance > 0) {
            TestEvents.balance(account, balance, 1, "opened-" + name);
            Awaits.until(() -> balances.spendable(account) >= balance, "balance of " + name);
        }
        Awaits.until(() -> directory.devicesOf(account).size() == devices.length, "devices of " + name);
        return new User(name, account, TestTokens.forUser(name));
    }

    private static byte[] ciphertext(int size) {
        byte[] body = new byte[size];
        new java.util.Random(size).nextBytes(body);
        return body;
    }

    @Test
    void handshakeWithoutValidTokenIsRefused() {
        User bob = user(0, 1);
        assertEquals(401, RelayClient.handshakeStatus(base, null, 1));
        assertEquals(401, RelayClient.handshakeStatus(base, "Bearer " + TestTokens.expired(bob.name()), 1));
        assertEquals(401, RelayClient.handshakeStatus(base, "Bearer " + TestTokens.signedByAnotherKey(bob.name()), 1));
        assertEquals(0, RelayClient.handshakeStatus(base, "Bearer " + bob.token(), 1));
    }

    @Test
    void deviceMustBeOneOfTheAccountsDevices() {
        User bob = user(0, 1);
        try (RelayClient client = RelayClient.connect(base, bob.token(), 2)) {
            assertEquals(4003, client.awaitClose());
        }
    }

    @Test
    void browserSubprotocolCarriesTheToken() {
        User alice = user(1000, 1);
        User bob = user(0, 1);
        try (RelayClient a = RelayClient.connectWithSubprotocol(base, alice.token(), 1);
             RelayClient b = RelayClient.connect(base, bob.token(), 1)) {
            a.send("e-1", bob.account(), new int[]{1}, ciphertext(100));
            assertEquals("accepted", a.answer("e-1").getString("type"));
            assertEquals("e-1", b.next("deliver").getString("id"));
        }
    }

    @Test
    void connectionIsClosedWhenItsTokenExpires() {
        User bob = user(0, 1);
        try (RelayClient client = RelayClient.connect(base, TestTokens.expiringIn(bob.name(), Duration.ofSeconds(3)), 1)) {
            assertEquals(1008, client.awaitClose());
        }
    }

    @Test
    void newerConnectionOfTheSameDeviceClosesTheOlder() {
        User bob = user(0, 1);
        RelayClient first = RelayClient.connect(base, bob.token(), 1);
        try (RelayClient second = RelayClient.connect(base, bob.token(), 1)) {
            assertEquals(4001, first.awaitClose());
            assertTrue(!second.isClosed());
        }
    }

    @Test
    void onlineDeliveryToEveryDeviceThenReceiptToTheSender() {
        User alice = user(1000, 1, 2);
        User bob = user(0, 1, 2);
        try (RelayClient a1 = RelayClient.connect(base, alice.token(), 1);
             RelayClient a2 = RelayClient.connect(base, alice.token(), 2);
             RelayClient b1 = RelayClient.connect(base, bob.token(), 1);
             RelayClient b2 = RelayClient.connect(base, bob.token(), 2)) {
            byte[] body = ciphertext(2048);
            a1.send("m-1", bob.account(), new int[]{1, 2}, body);
            assertEquals("accepted", a1.answer("m-1").getString("type"));
            JsonObject d1 = b1.next("deliver");
            JsonObject d2 = b2.next("deliver");
            assertEquals(alice.account(), d1.getString("from"));
            assertEquals(1, d1.getInteger("fromDevice"));
            assertEquals(1, d1.getInteger("messageType"));
            assertArrayEquals(body, Base64.getDecoder().decode(d1.getString("body")));
            assertEquals("m-1", d2.getString("id"));

            b1.ack(d1.getString("ackId"));
            JsonObject receipt = a2.next("receipt");
            assertEquals("m-1", receipt.getString("id"));
            assertEquals(bob.account(), receipt.getString("to"));
            assertEquals(1, receipt.getInteger("deviceId"));
            Awaits.until(() -> store.count(QueueStore.destination(bob.account(), 1)) == 0, "ack removes the row");
            assertEquals(1, store.count(QueueStore.destination(bob.account(), 2)), "device 2 has not acked yet");

            // One CAPTURE usage event for the envelope, its id derived from the envelope id, payer = sender.
            List<UsageEvent> usage = TestEvents.usageOf(alice.account(), 1, Duration.ofSeconds(30));
            assertEquals(1, usage.size());
            assertEquals(EnvelopeRouter.usageEventId(alice.account(), "m-1"), usage.get(0).eventId());
            assertEquals(UsageKind.MESSAGE, usage.get(0).kind());
            assertEquals(UsageMode.CAPTURE, usage.get(0).mode());
        }
    }

    @Test
    void offlineDeviceGetsItsQueueOnConnectOldestFirstAndAckRemovesIt() {
        User alice = user(1000, 1);
        User bob = user(0, 1);
        try (RelayClient a = RelayClient.connect(base, alice.token(), 1)) {
            for (int i = 0; i < 3; i++) {
                a.send("off-" + i, bob.account(), new int[]{1}, ciphertext(500 + i));
                assertEquals("accepted", a.answer("off-" + i).getString("type"));
            }
            // A resend with the same id is accepted again but stored and charged once.
            a.send("off-0", bob.account(), new int[]{1}, ciphertext(500));
            JsonObject again = a.answer("off-0");
            assertEquals("accepted", again.getString("type"));
            assertTrue(again.getBoolean("duplicate"));
        }
        String destination = QueueStore.destination(bob.account(), 1);
        assertEquals(3, store.count(destination));
        try (RelayClient b = RelayClient.connect(base, bob.token(), 1)) {
            for (int i = 0; i < 3; i++) {
                JsonObject deliver = b.next("deliver");
                assertEquals("off-" + i, deliver.getString("id"));
                assertEquals(500 + i, Base64.getDecoder().decode(deliver.getString("body")).length);
                if (i < 2) {
                    b.ack(deliver.getString("ackId"));
                }
            }
            Awaits.until(() -> store.count(destination) == 1, "two acks remove two rows");
        }
        // The unacknowledged one comes again on the next connection, and only it.
        try (RelayClient b = RelayClient.connect(base, bob.token(), 1)) {
            JsonObject deliver = b.next("deliver");
            assertEquals("off-2", deliver.getString("id"));
            b.ack(deliver.getString("ackId"));
            Awaits.until(() -> store.count(destination) == 0, "last ack");
            assertNull(b.poll(Duration.ofMillis(500)), "nothing else queued");
        }
        assertEquals(3, TestEvents.usageOf(alice.account(), 3, Duration.ofSeconds(30)).size());
    }

    @Test
    void aliceCannotAckReadOrDrainBobsQueue() {
        User alice = user(1000, 1);
        User bob = user(0, 7);
        String destination = QueueStore.destination(bob.account(), 7);
        try (RelayClient a = RelayClient.connect(base, alice.token(), 1)) {
            a.send("secret-1", bob.account(), new int[]{7}, ciphertext(64));
            assertEquals("accepted", a.answer("secret-1").getString("type"));
            String bobsAckId = store.page(destination, java.util.Optional.empty(), 10).rows().get(0).ackId();
            a.ack(bobsAckId); // Alice's ack addresses her own queue only
            assertNull(a.poll(Duration.ofMillis(500)));
            assertEquals(1, store.count(destination));
        }
        // Alice's token on Bob's device id: refused, nothing delivered, Bob's row untouched.
        try (RelayClient a = RelayClient.connect(base, alice.token(), 7)) {
            assertEquals(4003, a.awaitClose());
            assertTrue(a.seen().isEmpty() && a.poll(Duration.ofMillis(100)) == null);
        }
        assertEquals(1, store.count(destination));
    }

    @Test
    void envelopeMissingOrNamingUnknownDevicesIsRefusedWithTheDeviceList() {
        User alice = user(1000, 1, 2);
        User bob = user(0, 1, 2);
        try (RelayClient a = RelayClient.connect(base, alice.token(), 1)) {
            a.send("mis-1", bob.account(), new int[]{1}, ciphertext(10));
            JsonObject missing = a.answer("mis-1");
            assertEquals("refused", missing.getString("type"));
            assertEquals("DEVICE_MISMATCH", missing.getString("code"));
            assertEquals(List.of(1, 2), missing.getJsonArray("devices").getList());
            assertEquals(List.of(2), missing.getJsonArray("missingDevices").getList());

            a.send("mis-2", bob.account(), new int[]{1, 2, 3}, ciphertext(10));
            JsonObject extra = a.answer("mis-2");
            assertEquals(List.of(3), extra.getJsonArray("extraDevices").getList());

            a.send("mis-3", "nobody-" + UUID.randomUUID(), new int[]{1}, ciphertext(10));
            assertEquals("UNKNOWN_RECIPIENT", a.answer("mis-3").getString("code"));

            // A copy to one's own other devices names them all but the sending one.
            a.send("self-1", alice.account(), new int[]{2}, ciphertext(10));
            assertEquals("accepted", a.answer("self-1").getString("type"));
        }
        assertEquals(0, store.count(QueueStore.destination(bob.account(), 1)));
        assertEquals(0, store.count(QueueStore.destination(bob.account(), 2)));
        assertEquals(1, store.count(QueueStore.destination(alice.account(), 2)));
    }

    @Test
    void nearZeroTheRelayAuthorizesFirstAndDeliversOnlyWhatTheWalletConfirms() {
        User carol = user(0, 1); // no balance known: below the reserve, so every send is authorized first
        User bob = user(0, 1);
        try (RelayClient c = RelayClient.connect(base, carol.token(), 1);
             RelayClient b = RelayClient.connect(base, bob.token(), 1)) {
            c.send("auth-1", bob.account(), new int[]{1}, ciphertext(10));
            UsageEvent first = TestEvents.usageOf(carol.account(), 1, Duration.ofSeconds(30)).get(0);
            assertEquals(UsageMode.AUTHORIZE, first.mode());
            assertNull(b.poll(Duration.ofMillis(300)), "nothing delivered before the wallet answers");
            TestEvents.reject(first, 0); // the wallet refuses
            JsonObject refused = c.answer("auth-1");
            assertEquals("INSUFFICIENT_CREDITS", refused.getString("code"));
            assertEquals(0, store.count(QueueStore.destination(bob.account(), 1)));

            c.send("auth-2", bob.account(), new int[]{1}, ciphertext(10));
            String second = EnvelopeRouter.usageEventId(carol.account(), "auth-2");
            Awaits.until(() -> TestEvents.usageOf(carol.account(), 2, Duration.ofSeconds(5)).size() >= 2, "authorize 2");
            TestEvents.balance(carol.account(), 4, 2, second); // the wallet debits it
            assertEquals("accepted", c.answer("auth-2").getString("type"));
            assertEquals("auth-2", b.next("deliver").getString("id"));
        }
    }

    @Test
    void suspensionRefusesAtOnceAndReinstatementLiftsIt() {
        User alice = user(1000, 1);
        User bob = user(0, 1);
        try (RelayClient a = RelayClient.connect(base, alice.token(), 1)) {
            TestEvents.suspend(alice.account(), 0, 2);
            Awaits.until(() -> balances.suspended(alice.account(), UsageKind.MESSAGE), "suspension applied");
            a.send("sus-1", bob.account(), new int[]{1}, ciphertext(10));
            assertEquals("INSUFFICIENT_CREDITS", a.answer("sus-1").getString("code"));
            TestEvents.reinstate(alice.account(), 1000, 3);
            Awaits.until(() -> !balances.suspended(alice.account(), UsageKind.MESSAGE), "reinstatement applied");
            a.send("sus-2", bob.account(), new int[]{1}, ciphertext(10));
            assertEquals("accepted", a.answer("sus-2").getString("type"));
        }
    }

    @Test
    void overTheEnvelopeRateSendsAreRefusedRateLimited() {
        // The limiter's arithmetic is tested on a fake clock (RateLimiterTest); here: the refusal frame on the wire.
        User alice = user(1000, 1);
        User bob = user(0, 1, 2);
        try (RelayClient a = RelayClient.connect(base, alice.token(), 1)) {
            // Refused for the device list (cheap), but each still counts against the allowance (100/s, burst 100).
            for (int i = 0; i < 300; i++) {
                a.send("rl-" + i, bob.account(), new int[]{1}, ciphertext(10));
            }
            int limited = 0;
            for (int i = 0; i < 300; i++) {
                JsonObject answer = a.answer("rl-" + i);
                assertEquals("refused", answer.getString("type"));
                assertTrue(List.of("RATE_LIMITED", "DEVICE_MISMATCH").contains(answer.getString("code")));
                if ("RATE_LIMITED".equals(answer.getString("code"))) {
                    limited++;
                }
            }
            System.out.println("[relay-test] 300 sends in a burst: " + limited + " refused RATE_LIMITED");
        }
    }

    @Test
    void usageLeftInTheOutboxByACrashIsPublishedBySweeperWithItsDeterministicId() {
        // What a SIGKILL between the transaction and the publication leaves: written with the relay's own store
        // code, never published. The sweeper is the path a restarted instance runs first.
        User alice = user(0, 1);
        User bob = user(0, 1);
        Instant at = Instant.now().minusSeconds(60);
        String key = QueueStore.envelopeKey(alice.account(), "crash-1");
        UsageEvent usage = new UsageEvent(EnvelopeRouter.usageEventId(alice.account(), "crash-1"), at, alice.account(),
                UsageKind.MESSAGE, 1, UsageMode.CAPTURE, "crash-1", EnvelopeRouter.SOURCE);
        store.store(key, alice.account(), "crash-1", at, Duration.ofDays(30),
                List.of(new QueueStore.QueuedMessage(QueueStore.destination(bob.account(), 1), QueueStore.ackId(at, key),
                        "crash-1", alice.account(), 1, "1", new byte[]{1, 2}, at, EnvelopeKind.MESSAGE, null)),
                java.util.Optional.of(EventJson.encode(usage)), outbox.shardOf(alice.account()));
        outbox.sweep(Duration.ofSeconds(5)); // the scheduled sweeper may get there first: either way it is published
        List<UsageEvent> published = TestEvents.usageOf(alice.account(), 1, Duration.ofSeconds(30));
        assertEquals(List.of(usage.eventId()), published.stream().map(UsageEvent::eventId).toList());
        assertTrue(store.leftovers(outbox.shardOf(alice.account()), Instant.now(), 100).stream()
                .noneMatch(l -> l.envelopeKey().equals(key)), "cleared after publication");
        assertEquals(1, store.count(QueueStore.destination(bob.account(), 1)));
    }

    private static String signal(String kind, String id, String callId, String to, int device) {
        return new JsonObject().put("type", "send").put("kind", kind).put("id", id).put("callId", callId).put("to", to)
                .put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("deviceId", device)
                        .put("type", 1).put("body", Base64.getEncoder().encodeToString(new byte[]{1, 2, 3}))))
                .encode();
    }

    @Test
    void callOfferAuthorizesTheCallersFirstMinuteAnswerGivesTurnCredentialsAndHangupEndsTheCall() throws Exception {
        User caller = user(1000, 1);
        User callee = user(0, 1);
        String callId = "call-" + UUID.randomUUID();
        String minute1 = CallMeter.minuteUsageId(caller.account(), callId, 1);
        try (RelayClient a = RelayClient.connect(base, caller.token(), 1);
             RelayClient b = RelayClient.connect(base, callee.token(), 1)) {
            a.sendText(signal("call-offer", "o-1", callId, callee.account(), 1));
            // The first minute is authorized for the caller at the offer; the offer waits for the wallet.
            List<UsageEvent> usage = TestEvents.usageOf(caller.account(), 1, Duration.ofSeconds(10));
            assertEquals(1, usage.size());
            assertEquals(minute1, usage.get(0).eventId());
            assertEquals(UsageKind.CALL_MINUTE, usage.get(0).kind());
            assertEquals(UsageMode.AUTHORIZE, usage.get(0).mode());
            TestEvents.balance(caller.account(), 995, 2, minute1); // the wallet debits it
            assertEquals("accepted", a.answer("o-1").getString("type"));
            JsonObject offer = b.next("deliver");
            assertEquals("call-offer", offer.getString("kind"));
            assertEquals(callId, offer.getString("callId"));

            b.sendText(signal("call-answer", "ans-1", callId, caller.account(), 1));
            assertEquals("accepted", b.answer("ans-1").getString("type"));
            // TURN credentials for both parties, coturn REST scheme, valid for the paid minute plus the margin only.
            long latestExpiry = Instant.now().plus(Duration.ofSeconds(60 + 15)).getEpochSecond() + 1;
            for (RelayClient party : List.of(a, b)) {
                JsonObject turn = party.next("call-turn");
                assertEquals(caller.account(), turn.getString("caller"));
                String username = turn.getString("username");
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
                mac.init(new javax.crypto.spec.SecretKeySpec("secureconnect-dev-turn-secret".getBytes(), "HmacSHA1"));
                assertEquals(Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes())), turn.getString("credential"));
                long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
                assertTrue(expiry > Instant.now().getEpochSecond());
                assertTrue(expiry <= latestExpiry, "credentials outlive the paid minute: " + username);
            }
            // Nothing more was charged for the answer, nothing at all to the callee.
            assertEquals(1, TestEvents.usageOf(caller.account(), 1, Duration.ofSeconds(2)).size());
            assertTrue(TestEvents.usageOf(callee.account(), 0, Duration.ofSeconds(2)).isEmpty());

            a.sendText(signal("call-hangup", "h-1", callId, callee.account(), 1));
            assertEquals("accepted", a.answer("h-1").getString("type"));
            assertEquals("HANGUP", a.next("call-ended").getString("reason"));
            assertEquals("HANGUP", b.next("call-ended").getString("reason"));
            b.sendText(signal("call-ice", "ice-1", callId, caller.account(), 1));
            assertEquals("CALL_ENDED", b.answer("ice-1").getString("code"));
        }
    }
}
