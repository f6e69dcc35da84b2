package net.secureconnect.relay;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import net.secureconnect.relay.config.RelayConfig;
import net.secureconnect.relay.repository.QueueStore;
import net.secureconnect.relay.service.BalanceBook;
import net.secureconnect.relay.service.DeviceDirectory;
import net.secureconnect.relay.service.DeviceSession;
import net.secureconnect.relay.service.RelayMetrics;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A device that stops reading its socket (small receive buffer, reads paused) while 50 other pairs exchange
 * messages: the others keep flowing as fast as without it, the stalled connection is closed with 4008 once its
 * outbound buffer is full, the relay never holds more than the configured limit for it, and nothing is lost.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class RelaySlowReaderTest {

    private static final int PAIRS = 50;
    private static final int ROUNDS = 4;
    private static final int BIG = 96 * 1024;
    private static final int FILLERS = 4;
    private static final int PER_FILLER = 33;

    @TestHTTPResource("/")
    URI base;
    @Inject
    DeviceDirectory directory;
    @Inject
    BalanceBook balances;
    @Inject
    QueueStore store;
    @Inject
    RelayMetrics metrics;
    @Inject
    RelayConfig config;

    record User(String account, String token) {
    }

    private User user(long balance) {
        String name = "s-" + UUID.randomUUID();
        String account = TestTokens.subjectOf(name);
        TestEvents.devices(account, 1);
        if (balance > 0) {
            TestEvents.balance(account, balance, 1, "opened-" + name);
        }
        return new User(account, TestTokens.forUser(name));
    }

    private void known(User user, long balance) {
        Awaits.until(() -> directory.devicesOf(user.account()).size() == 1
                && balances.spendable(user.account()) >= balance, "user known to the relay");
    }

    /** Rows in a device's queue, every page (one query reads at most 1 MB). */
    private int queued(String destination) {
        int rows = 0;
        java.util.Optional<String> after = java.util.Optional.empty();
        do {
            QueueStore.Page page = store.page(destination, after, 100);
            rows += page.rows().size();
            after = page.next();
        } while (after.isPresent());
        return rows;
    }

    /** Every pair sends ROUNDS small messages; returns the time until every one of them was delivered. */
    private static Duration exchange(List<RelayClient> senders, List<RelayClient> receivers, List<User> to, String tag) {
        long started = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < senders.size(); i++) {
                senders.get(i).send(tag + "-" + i + "-" + round, to.get(i).account(), new int[]{1}, new byte[200]);
            }
        }
        for (int i = 0; i < receivers.size(); i++) {
            for (int round = 0; round < ROUNDS; round++) {
                JsonObject delivered = receivers.get(i).next(f -> "deliver".equals(f.getString("type")),
                        Duration.ofSeconds(60));
                receivers.get(i).ack(delivered.getString("ackId"));
            }
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Test
    void aDeviceThatStopsReadingIsClosedAndDelaysNobodyElse() throws Exception {
        User stalled = user(0);
        User reader = user(0); // the control: the same backlog, read normally
        List<User> fillers = new ArrayList<>();
        for (int i = 0; i < FILLERS; i++) {
            fillers.add(user(1_000_000));
        }
        List<User> from = new ArrayList<>();
        List<User> to = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            from.add(user(1_000_000));
            to.add(user(0));
        }
        known(stalled, 0);
        known(reader, 0);
        fillers.forEach(u -> known(u, 1_000_000));
        from.forEach(u -> known(u, 1_000_000));
        to.forEach(u -> known(u, 0));

        // The stalled device's queue: far more than its socket buffers and the relay's outbound limit hold; the
        // control device gets the same, so both runs pay for draining as much from the store.
        byte[] big = new byte[BIG];
        new java.util.Random(7).nextBytes(big);
        for (int f = 0; f < 2 * FILLERS; f++) {
            User target = f < FILLERS ? stalled : reader;
            try (RelayClient filler = RelayClient.connect(base, fillers.get(f % FILLERS).token(), 1)) {
                for (int n = 0; n < PER_FILLER; n++) {
                    String id = "big-" + f + "-" + n;
                    filler.send(id, target.account(), new int[]{1}, big);
                    JsonObject answer = filler.answer(id);
                    if (!"accepted".equals(answer.getString("type"))) { // over the byte rate: retry the same id
                        Thread.sleep(1000);
                        n--;
                    }
                }
            }
        }
        String stalledQueue = QueueStore.destination(stalled.account(), 1);
        assertEquals(FILLERS * PER_FILLER, queued(stalledQueue));

        List<RelayClient> senders = new ArrayList<>();
        List<RelayClient> receivers = new ArrayList<>();
        try {
            for (int i = 0; i < PAIRS; i++) {
                senders.add(RelayClient.connect(base, from.get(i).token(), 1));
                receivers.add(RelayClient.connect(base, to.get(i).token(), 1));
            }
            exchange(senders, receivers, to, "warm");
            Duration without;
            try (RelayClient control = RelayClient.connect(base, reader.token(), 1)) {
                without = exchange(senders, receivers, to, "without");
                for (int n = 0; n < FILLERS * PER_FILLER; n++) { // it reads its whole backlog
                    control.ack(control.next(f -> "deliver".equals(f.getString("type")), Duration.ofSeconds(60))
                            .getString("ackId"));
                }
            }

            RelayClient slow = RelayClient.connectNotReading(base, stalled.token(), 1);
            Duration with = exchange(senders, receivers, to, "with");

            Awaits.until(() -> metrics.closedTooSlowCount() >= 1, "the stalled connection closed as too slow");
            long cap = config.connection().maxOutbound();
            assertTrue(metrics.outboundHighWater() <= cap,
                    "outbound buffer " + metrics.outboundHighWater() + " over its limit " + cap);
            slow.resume();
            assertEquals(DeviceSession.TOO_SLOW, slow.awaitClose(), "close code; reason " + slow.closeReason());

            System.out.printf("[relay-test] 50 pairs x %d messages: %d ms with a stalled reader, %d ms with a reading "
                    + "control; outbound high water %d of %d%n", ROUNDS, with.toMillis(), without.toMillis(),
                    metrics.outboundHighWater(), cap);
            // Others were not delayed: a ratio to the run without the stalled reader, never an absolute time.
            assertTrue(with.toMillis() <= 2 * without.toMillis() + 5000,
                    "with a stalled reader " + with.toMillis() + " ms, without " + without.toMillis() + " ms");
        } finally {
            senders.forEach(RelayClient::close);
            receivers.forEach(RelayClient::close);
        }

        // Nothing lost: reading again, the device gets every envelope (unacknowledged ones are delivered again).
        try (RelayClient reading = RelayClient.connect(base, stalled.token(), 1)) {
            Set<String> ids = new HashSet<>();
            while (ids.size() < FILLERS * PER_FILLER) {
                JsonObject delivered = reading.next(f -> "deliver".equals(f.getString("type")), Duration.ofSeconds(60));
                ids.add(delivered.getString("from") + "/" + delivered.getString("id"));
                reading.ack(delivered.getString("ackId"));
            }
            assertEquals(FILLERS * PER_FILLER, ids.size());
        }
        Awaits.until(() -> store.count(stalledQueue) == 0, "the stalled device's queue emptied by its acks");
    }
}
