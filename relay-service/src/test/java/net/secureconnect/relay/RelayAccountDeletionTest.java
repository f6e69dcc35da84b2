package net.secureconnect.relay;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import net.secureconnect.contracts.AccountDeleted;
import net.secureconnect.contracts.DeviceRemoved;
import net.secureconnect.contracts.Topic;
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
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * AccountDeleted and DeviceRemoved, published on the real broker with the contracts' codec as identity does:
 * the queued ciphertext of every device of the deleted account (and of a removed device) is dropped at once,
 * nobody else's queue is touched.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class RelayAccountDeletionTest {

    @TestHTTPResource("/")
    URI base;
    @Inject
    DeviceDirectory directory;
    @Inject
    BalanceBook balances;
    @Inject
    QueueStore store;

    @Test
    void aDeletedAccountsQueuesAreDroppedAndOthersKept() {
        String alice = account(1);
        String bob = account(1, 2);
        String carol = account(1);
        try (RelayClient a = RelayClient.connect(base, TestTokens.forUser(nameOf(alice)), 1)) {
            for (int i = 0; i < 3; i++) {
                a.send("to-bob-" + i, bob, new int[]{1, 2}, new byte[100 + i]);
                assertEquals("accepted", a.answer("to-bob-" + i).getString("type"));
            }
            a.send("to-carol", carol, new int[]{1}, new byte[64]);
            assertEquals("accepted", a.answer("to-carol").getString("type"));
        }
        assertEquals(3, store.count(QueueStore.destination(bob, 1)));
        assertEquals(3, store.count(QueueStore.destination(bob, 2)));

        TestEvents.publish(Topic.ACCOUNTS, new AccountDeleted(UUID.randomUUID().toString(), Instant.now(), bob));
        Awaits.until(() -> store.count(QueueStore.destination(bob, 1)) == 0
                && store.count(QueueStore.destination(bob, 2)) == 0, "bob's queues dropped");
        assertEquals(List.of(), directory.devicesOf(bob));
        assertEquals(1, store.count(QueueStore.destination(carol, 1)), "carol's queue is hers");
    }

    @Test
    void aRemovedDevicesQueueIsDroppedTheOthersKept() {
        String alice = account(1);
        String dave = account(1, 2);
        try (RelayClient a = RelayClient.connect(base, TestTokens.forUser(nameOf(alice)), 1)) {
            a.send("to-dave", dave, new int[]{1, 2}, new byte[80]);
            assertEquals("accepted", a.answer("to-dave").getString("type"));
        }
        TestEvents.publish(Topic.ACCOUNTS, new DeviceRemoved(UUID.randomUUID().toString(), Instant.now(), dave, 2,
                List.of(1)));
        Awaits.until(() -> store.count(QueueStore.destination(dave, 2)) == 0, "the removed device's queue dropped");
        assertEquals(1, store.count(QueueStore.destination(dave, 1)));
    }

    private final java.util.Map<String, String> names = new java.util.concurrent.ConcurrentHashMap<>();

    private String account(int... devices) {
        String name = "del-" + UUID.randomUUID();
        String account = TestTokens.subjectOf(name);
        names.put(account, name);
        TestEvents.devices(account, devices);
        TestEvents.balance(account, 1000, 1, "opened-" + name);
        Awaits.until(() -> balances.spendable(account) >= 1000 && directory.devicesOf(account).size() == devices.length,
                "state of " + name);
        return account;
    }

    private String nameOf(String account) {
        return names.get(account);
    }
}
