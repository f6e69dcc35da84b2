package net.secureconnect.relay;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.relay.repository.QueueStore;
import net.secureconnect.relay.service.DeviceDirectory;
import net.secureconnect.relay.service.EnvelopeRouter;
import net.secureconnect.relay.support.Awaits;
import net.secureconnect.relay.support.FaultyQueueStore;
import net.secureconnect.relay.support.RelayClient;
import net.secureconnect.relay.support.TestEvents;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The authorize path when the store fails around the completion of a held envelope (review L7): the client is
 * told "charge given back, resend with a new id" only when nothing can have been stored; otherwise it retries the
 * SAME id, so one message is charged once. Real Kafka and dynoxide; {@link FaultyQueueStore} injects the
 * failures around the real store for the chosen envelope only.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class RelayStoreFaultTest {

    @TestHTTPResource("/")
    URI base;
    @Inject
    DeviceDirectory directory;
    @Inject
    QueueStore store;
    @Inject
    net.secureconnect.relay.service.BalanceBook balances;

    record User(String account, String token) {
    }

    private User user(int... devices) {
        String name = "f-" + UUID.randomUUID();
        String account = TestTokens.subjectOf(name);
        TestEvents.devices(account, devices);
        Awaits.until(() -> directory.devicesOf(account).size() == devices.length, "devices of " + name);
        return new User(account, TestTokens.forUser(name));
    }

    private static JsonObject answerWithin(RelayClient client, String id, Duration bound) {
        return client.next(f -> id.equals(f.getString("id"))
                && List.of("accepted", "refused", "error").contains(f.getString("type")), bound);
    }

    @AfterEach
    void healStore() {
        FaultyQueueStore.reset();
    }

    /** Sends at balance 0 (so the relay authorizes first) and lets the wallet debit the authorization. */
    private static UsageEvent sendAndPay(RelayClient client, User sender, User to, String id) {
        client.send(id, to.account(), new int[]{1}, new byte[]{1, 2, 3});
        String usageId = EnvelopeRouter.usageEventId(sender.account(), id);
        Awaits.until(() -> TestEvents.usageOf(sender.account(), 1, Duration.ofSeconds(2)).stream()
                .anyMatch(u -> u.eventId().equals(usageId)), "authorization of " + id);
        UsageEvent authorize = TestEvents.usageOf(sender.account(), 1, Duration.ofSeconds(2)).stream()
                .filter(u -> u.eventId().equals(usageId)).findFirst().orElseThrow();
        assertEquals(UsageMode.AUTHORIZE, authorize.mode());
        TestEvents.balance(sender.account(), 4, 2, usageId); // the wallet debits it
        return authorize;
    }

    @Test
    void storedButReportedFailedWithTheReleaseFailingToo_isRetriedWithTheSameIdAndChargedOnce() {
        User carol = user(1);
        User bob = user(1);
        String id = "l7-" + UUID.randomUUID();
        String key = QueueStore.envelopeKey(carol.account(), id);
        FaultyQueueStore.COMPLETE_THEN_FAIL.add(key); // stored, but the relay is told it failed
        FaultyQueueStore.RELEASE_FAILS.add(key);      // and cannot end the hold either
        try (RelayClient c = RelayClient.connect(base, carol.token(), 1)) {
            sendAndPay(c, carol, bob, id);
            JsonObject answer = c.answer(id);
            assertEquals("refused", answer.getString("type"), answer.encode());
            assertEquals("UNAVAILABLE", answer.getString("code"));
            // The old code said "its charge is given back; resend with a new id": a second charge.
            assertNull(answer.getBoolean("retryWithNewId"), "must retry the same id: " + answer.encode());
            assertTrue(store.accepted(key), "the failed write was in fact stored");

            FaultyQueueStore.reset(); // the store is reachable again: the client retries the SAME id
            c.send(id, bob.account(), new int[]{1}, new byte[]{1, 2, 3});
            JsonObject again = c.answer(id);
            assertEquals("accepted", again.getString("type"), again.encode());
            assertEquals(Boolean.TRUE, again.getBoolean("duplicate"));
        }
        try (RelayClient b = RelayClient.connect(base, bob.token(), 1)) {
            JsonObject delivered = b.next("deliver");
            assertEquals(id, delivered.getString("id"));
            b.ack(delivered.getString("ackId"));
            assertNull(b.poll(Duration.ofSeconds(1)), "delivered once");
        }
        // One AUTHORIZE, no RELEASE and no second charge, also after the sweeper had its chance.
        List<UsageEvent> usage = TestEvents.usageOf(carol.account(), 2, Duration.ofSeconds(15));
        assertEquals(1, usage.size(), usage.toString());
        assertEquals(UsageMode.AUTHORIZE, usage.get(0).mode());
    }

    @Test
    void notStoredAndReleaseUnknown_isRetriedWithTheSameIdWhichIsAnsweredByTheEnvelopesState() {
        User carol = user(1);
        User bob = user(1);
        String id = "l7b-" + UUID.randomUUID();
        String key = QueueStore.envelopeKey(carol.account(), id);
        FaultyQueueStore.COMPLETE_FAILS.add(key);
        FaultyQueueStore.RELEASE_FAILS.add(key);
        try (RelayClient c = RelayClient.connect(base, carol.token(), 1)) {
            sendAndPay(c, carol, bob, id);
            JsonObject answer = c.answer(id);
            assertEquals("UNAVAILABLE", answer.getString("code"), answer.encode());
            assertNull(answer.getBoolean("retryWithNewId"), answer.encode());
            assertFalse(store.accepted(key));
            // Still held (the sweeper releases it when due): the same id is answered "still waiting", not accepted.
            FaultyQueueStore.reset();
            c.send(id, bob.account(), new int[]{1}, new byte[]{1, 2, 3});
            JsonObject again = c.answer(id);
            assertEquals("UNAVAILABLE", again.getString("code"), again.encode());
            assertNull(again.getBoolean("retryWithNewId"), again.encode());
        }
        assertEquals(0, store.count(QueueStore.destination(bob.account(), 1)));
    }

    @Test
    void notStoredAndReleased_saysTheChargeIsGivenBackAndPublishesTheRelease() {
        User carol = user(1);
        User bob = user(1);
        String id = "l7c-" + UUID.randomUUID();
        String key = QueueStore.envelopeKey(carol.account(), id);
        FaultyQueueStore.COMPLETE_FAILS.add(key);
        try (RelayClient c = RelayClient.connect(base, carol.token(), 1)) {
            sendAndPay(c, carol, bob, id);
            JsonObject answer = c.answer(id);
            assertEquals("UNAVAILABLE", answer.getString("code"), answer.encode());
            assertEquals(Boolean.TRUE, answer.getBoolean("retryWithNewId"), answer.encode());
        }
        assertEquals(0, store.count(QueueStore.destination(bob.account(), 1)));
        List<UsageEvent> usage = TestEvents.usageOf(carol.account(), 2, Duration.ofSeconds(15));
        assertEquals(List.of(UsageMode.AUTHORIZE, UsageMode.RELEASE), usage.stream().map(UsageEvent::mode).toList());
    }

    @Test
    void aSendIsAnsweredWithinTheBoundWhenTheStoreHangsAndItsSameIdRetryIsChargedOnce() {
        User alice = user(1);
        User bob = user(1);
        TestEvents.balance(alice.account(), 1000, 1, "opened-" + alice.account());
        Awaits.until(() -> balances.spendable(alice.account()) >= 1000, "balance known");
        String id = "hang-" + UUID.randomUUID();
        String key = QueueStore.envelopeKey(alice.account(), id);
        FaultyQueueStore.STORE_HANGS.put(key, Duration.ofSeconds(30)); // longer than the answer bound (15 s)
        try (RelayClient a = RelayClient.connect(base, alice.token(), 1);
             RelayClient b = RelayClient.connect(base, bob.token(), 1)) {
            a.send(id, bob.account(), new int[]{1}, new byte[]{9});
            // The old relay answered only when the store returned (here 30 s; with Kafka down, 60 s and more).
            JsonObject answer = answerWithin(a, id, Duration.ofSeconds(25));
            assertEquals("refused", answer.getString("type"), answer.encode());
            assertEquals("UNAVAILABLE", answer.getString("code"));
            assertNull(answer.getBoolean("retryWithNewId"), "retry with the same id: " + answer.encode());

            // The stuck write completes later: the envelope is durable and delivered once...
            JsonObject delivered = b.next(f -> "deliver".equals(f.getString("type")), Duration.ofSeconds(60));
            assertEquals(id, delivered.getString("id"));
            b.ack(delivered.getString("ackId"));
            // ...and the client's retry with the same id is answered by its state, not stored or charged again.
            FaultyQueueStore.reset();
            a.send(id, bob.account(), new int[]{1}, new byte[]{9});
            JsonObject again = answerWithin(a, id, Duration.ofSeconds(25));
            // "accepted" either way: the late answer of the stuck send may race the retry for the id's one pending
            // answer (duplicate flag unset then). What matters is below: delivered once, charged once.
            assertEquals("accepted", again.getString("type"), again.encode());
            assertNull(b.poll(Duration.ofSeconds(1)), "delivered once");
        }
        List<UsageEvent> usage = TestEvents.usageOf(alice.account(), 2, Duration.ofSeconds(15));
        assertEquals(1, usage.size(), usage.toString());
        assertEquals(UsageMode.CAPTURE, usage.get(0).mode());
    }
}
