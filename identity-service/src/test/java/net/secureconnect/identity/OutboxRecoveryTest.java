package net.secureconnect.identity;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import net.secureconnect.contracts.AccountDeleted;
import net.secureconnect.contracts.DeviceAdded;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.identity.model.Account;
import net.secureconnect.identity.repository.AccountStore;
import net.secureconnect.identity.repository.OutboxStore;
import net.secureconnect.identity.repository.Transactions;
import net.secureconnect.identity.service.AccountService;
import net.secureconnect.testsupport.DynoxideTestResource;
import net.secureconnect.testsupport.KafkaTestResource;
import net.secureconnect.testsupport.OidcTestKeyResource;
import net.secureconnect.testsupport.TestTokens;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A process that dies between its commit and its publish loses no event: the commit put the event in
 * the outbox, and the sweeper publishes it (and finishes what the event announces).
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(DynoxideTestResource.class)
@QuarkusTestResource(OidcTestKeyResource.class)
class OutboxRecoveryTest {

    @Inject
    Transactions transactions;
    @Inject
    OutboxStore outbox;
    @Inject
    AccountStore accounts;
    @Inject
    AccountService accountService;

    @Test
    void anEventCommittedButNeverPublishedIsPublishedByTheSweeper() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        Account account = accounts.find(accountId).orElseThrow();
        // The commit of a device registration, stopped right after the transaction (no drain).
        DeviceAdded orphan = new DeviceAdded(EventIds.forCause(EventType.DEVICE_ADDED, accountId,
                Long.toString(account.nextVersion())), Instant.now(), accountId, 1, 99, List.of(1));
        transactions.write(accounts.changeDevices(account, List.of(1), 2), outbox.append(orphan, account.nextVersion()));
        assertFalse(Tables.query("identity-outbox", "accountId", accountId).isEmpty(), "waiting in the outbox");

        List<Event> events = AccountEvents.awaitType(accountId, DeviceAdded.class);
        assertEquals(orphan, AccountEvents.ofType(events, DeviceAdded.class).get(0));
        awaitOutboxEmpty(accountId);
    }

    @Test
    void aDeletionInterruptedAfterItsCommitIsFinishedByTheSweeper() {
        String user = Api.newUser();
        String accountId = Api.accountOf(user);
        DeviceKeyMaterial keys = new DeviceKeyMaterial();
        int device = Api.registerDevice(user, accountId, keys, 3);
        Api.uploadKeys(user, accountId, device, Map.of("oneTimePrekeys", DeviceKeyMaterial.oneTimePrekeys(1, 4)))
                .statusCode(204);

        accountService.beginDeletion(accounts.find(accountId).orElseThrow());
        assertNotNull(Tables.get("accounts", Map.of("accountId", Tables.s(accountId))), "cleanup not done yet");

        List<Event> events = AccountEvents.awaitType(accountId, AccountDeleted.class);
        assertEquals(AccountDeleted.class, events.get(events.size() - 1).getClass());
        awaitOutboxEmpty(accountId);
        AccountDeletionTest.AccountTables.assertGone(accountId, TestTokens.subjectOf(user), null, device);
    }

    @Test
    void eventsOfOneAccountAreDeliveredInSequenceOrder() {
        String accountId = UUID.randomUUID().toString();
        // Three events committed at once and never drained, listed in reverse: the outbox's sequence
        // order, not the order of writing, decides the order on the topic.
        List<software.amazon.awssdk.services.dynamodb.model.TransactWriteItem> items = new java.util.ArrayList<>();
        for (int seq = 3; seq >= 1; seq--) {
            List<Integer> devices = java.util.stream.IntStream.rangeClosed(1, seq).boxed().toList();
            items.add(outbox.append(new DeviceAdded(EventIds.forCause(EventType.DEVICE_ADDED, accountId,
                    Long.toString(seq)), Instant.now(), accountId, seq, seq, devices), seq));
        }
        transactions.write(items);
        List<Event> events = AccountEvents.await(accountId, seen -> seen.size() >= 3);
        assertEquals(List.of(1, 2, 3), AccountEvents.ofType(events, DeviceAdded.class).stream()
                .map(DeviceAdded::deviceId).toList());
        awaitOutboxEmpty(accountId);
    }

    /** The row goes right after Kafka acknowledged the event; wait for that step rather than assume it. */
    private static void awaitOutboxEmpty(String accountId) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!Tables.query("identity-outbox", "accountId", accountId).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("outbox of " + accountId + " never emptied");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
