package net.secureconnect.relay;

import io.vertx.core.json.JsonObject;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.relay.service.EnvelopeRouter;
import net.secureconnect.relay.support.Awaits;
import net.secureconnect.relay.support.Percentiles;
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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two packaged relay instances as child processes, sharing the test JVM's Kafka broker and dynoxide: real-time
 * delivery across instances, and nothing accepted is lost when an instance is killed with SIGKILL.
 */
class RelayClusterIT {

    static final Path RELAY = Path.of(System.getProperty("relay.it.app", "target/quarkus-app/quarkus-run.jar"));
    static ServiceProcess relayA;
    static ServiceProcess relayB;
    static final String ALICE = "alice-" + UUID.randomUUID();
    static final String BOB = "bob-" + UUID.randomUUID();
    static final String CAROL = "carol-" + UUID.randomUUID();
    static final String DAVE = "dave-" + UUID.randomUUID();

    /** No wallet in this test: a reserve far below zero makes every send a CAPTURE (billing paths: RelayBillingIT). */
    static final Map<String, String> SETTINGS = Map.of("relay.billing.reserve", "-1000000000",
            "relay.calls.turn-secret", "relay-cluster-it-turn-secret"); // production mode needs its own secret

    @BeforeAll
    static void start() {
        relayA = ServiceProcess.start("relay-a", RELAY, SETTINGS); // creates the topics and tables
        for (String user : List.of(ALICE, BOB, CAROL, DAVE)) {
            TestEvents.devices(TestTokens.subjectOf(user), 1);
        }
        relayB = ServiceProcess.start("relay-b", RELAY, SETTINGS); // ready = has read them
        for (String user : List.of(ALICE, BOB, CAROL, DAVE)) {
            RelayClient.connectWhenKnown(base(relayA), TestTokens.forUser(user), 1).close();
        }
    }

    @AfterAll
    static void stop() {
        if (relayA != null) {
            relayA.stop();
        }
        if (relayB != null) {
            relayB.stop();
        }
    }

    static URI base(ServiceProcess relay) {
        return URI.create(relay.url("/"));
    }

    @Test
    void recipientOnAnotherInstanceGetsEnvelopesInRealTime() {
        String bob = TestTokens.subjectOf(BOB);
        List<Double> acceptMillis = new ArrayList<>();
        List<Double> deliverMillis = new ArrayList<>();
        try (RelayClient a = RelayClient.connect(base(relayA), TestTokens.forUser(ALICE), 1);
             RelayClient b = RelayClient.connect(base(relayB), TestTokens.forUser(BOB), 1)) {
            byte[] body = new byte[1024];
            for (int i = 0; i < 200; i++) {
                String id = "x-" + i;
                long sent = System.nanoTime();
                a.send(id, bob, new int[]{1}, body);
                JsonObject deliver = b.next(f -> "deliver".equals(f.getString("type")) && id.equals(f.getString("id")),
                        Duration.ofSeconds(30));
                deliverMillis.add((System.nanoTime() - sent) / 1e6);
                assertEquals("accepted", a.answer(id).getString("type"));
                acceptMillis.add((System.nanoTime() - sent) / 1e6);
                b.ack(deliver.getString("ackId"));
            }
        }
        // Warm-up excluded from the figures: the first 20 envelopes.
        System.out.println("[relay-it] cross-instance send→deliver (1 KiB, 2 relays, 1 at a time): "
                + Percentiles.summary(deliverMillis.subList(20, deliverMillis.size())));
        System.out.println("[relay-it] cross-instance send→accepted: "
                + Percentiles.summary(acceptMillis.subList(20, acceptMillis.size())));
        java.util.regex.Matcher quantiles = java.util.regex.Pattern.compile(
                "(?m)^relay_delivery_latency_seconds\\{[^}]*quantile=\"(0\\.5|0\\.99)\"[^}]*\\} ([0-9.eE+-]+)$")
                .matcher(relayB.get("/q/metrics"));
        StringBuilder server = new StringBuilder();
        while (quantiles.find()) {
            server.append(" p").append(quantiles.group(1)).append("=")
                    .append(String.format("%.2f ms", Double.parseDouble(quantiles.group(2)) * 1000));
        }
        System.out.println("[relay-it] relay_delivery_latency on the recipient's instance (accepted → deliver written, "
                + "server side, all envelopes):" + server);
    }

    @Test
    void aNewerConnectionOnAnotherInstanceClosesTheOlder() {
        RelayClient older = RelayClient.connect(base(relayA), TestTokens.forUser(BOB), 1);
        try (RelayClient newer = RelayClient.connect(base(relayB), TestTokens.forUser(BOB), 1)) {
            assertEquals(4001, older.awaitClose());
            assertEquals(false, newer.isClosed());
        }
    }

    @Test
    void killedAfterAcceptedNothingIsLostAndEachEnvelopeIsChargedOnce() {
        String carol = TestTokens.subjectOf(CAROL);
        String dave = TestTokens.subjectOf(DAVE);
        Set<String> accepted = new LinkedHashSet<>();
        RelayClient d = RelayClient.connect(base(relayA), TestTokens.forUser(DAVE), 1);
        try (RelayClient c = RelayClient.connect(base(relayA), TestTokens.forUser(CAROL), 1)) {
            for (int i = 0; i < 20; i++) {
                c.send("k-" + i, dave, new int[]{1}, new byte[]{(byte) i, 1, 2, 3});
            }
            for (int i = 0; i < 20; i++) {
                if ("accepted".equals(c.answer("k-" + i).getString("type"))) {
                    accepted.add("k-" + i);
                }
            }
            relayA.kill(); // SIGKILL right after the last accepted: no flush, no clean-up
        }
        d.close();
        assertEquals(20, accepted.size());
        relayA.restart();

        // Dave (who acked nothing) reconnects to the restarted instance: every accepted envelope arrives;
        // duplicates are possible (at-least-once), the client drops them by envelope id.
        Set<String> received = new HashSet<>();
        int frames = 0;
        try (RelayClient again = RelayClient.connect(base(relayA), TestTokens.forUser(DAVE), 1)) {
            while (received.size() < accepted.size()) {
                JsonObject deliver = again.next("deliver");
                frames++;
                received.add(deliver.getString("id"));
                again.ack(deliver.getString("ackId"));
            }
        }
        assertEquals(accepted, new LinkedHashSet<>(accepted.stream().filter(received::contains).toList()));
        System.out.println("[relay-it] after SIGKILL and restart: " + received.size() + " distinct envelopes delivered in "
                + frames + " deliver frames on the new connection");

        // Exactly one usage event id per accepted envelope, published at least once (the restart sweeps leftovers).
        Set<String> expected = accepted.stream().map(id -> EnvelopeRouter.usageEventId(carol, id)).collect(Collectors.toSet());
        Awaits.until(() -> TestEvents.usageOf(carol, 20, Duration.ofSeconds(5)).stream()
                .map(UsageEvent::eventId).collect(Collectors.toSet()).containsAll(expected), "every usage event published");
        List<UsageEvent> usage = TestEvents.usageOf(carol, 20, Duration.ofSeconds(5));
        assertEquals(expected, usage.stream().map(UsageEvent::eventId).collect(Collectors.toSet()));
        System.out.println("[relay-it] usage events for 20 accepted envelopes: " + usage.size()
                + " records, " + expected.size() + " distinct ids");
    }
}
