package net.secureconnect.relay.support;

import jakarta.annotation.Priority;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Alternative;
import net.secureconnect.relay.repository.QueueStore;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The real {@link QueueStore} (real dynoxide) with failures injected for chosen envelope keys only, as a network
 * failure would show them: a write that is done and then reported failed (outcome unknown to the caller), or a
 * write that fails without being done. Every other key, and every key by default, goes to the real store unchanged.
 */
@Alternative
@Priority(1)
@Singleton // not proxied: a subclass of a bean with only an injecting constructor
public class FaultyQueueStore extends QueueStore {

    /** completeHeld writes, then throws: the caller cannot know it was stored. */
    public static final Set<String> COMPLETE_THEN_FAIL = ConcurrentHashMap.newKeySet();
    /** completeHeld throws without writing. */
    public static final Set<String> COMPLETE_FAILS = ConcurrentHashMap.newKeySet();
    /** releaseHeld throws without writing. */
    public static final Set<String> RELEASE_FAILS = ConcurrentHashMap.newKeySet();

    public FaultyQueueStore(DynamoDbClient dynamo, TableNames names) {
        super(dynamo, names);
    }

    /** store() waits this long before writing: a dependency that hangs instead of failing. */
    public static final Map<String, Duration> STORE_HANGS = new ConcurrentHashMap<>();

    public static void reset() {
        STORE_HANGS.clear();
        COMPLETE_THEN_FAIL.clear();
        COMPLETE_FAILS.clear();
        RELEASE_FAILS.clear();
    }

    @Override
    public StoreOutcome store(String envelopeKey, String sender, String envelopeId, Instant acceptedAt, Duration ttl,
                              List<QueuedMessage> messages, Optional<byte[]> usageEvent, int outboxShard) {
        Duration hang = STORE_HANGS.get(envelopeKey);
        if (hang != null) {
            try {
                Thread.sleep(hang.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return super.store(envelopeKey, sender, envelopeId, acceptedAt, ttl, messages, usageEvent, outboxShard);
    }

    @Override
    public boolean completeHeld(String envelopeKey, Instant acceptedAt, Duration ttl, List<QueuedMessage> messages) {
        if (COMPLETE_FAILS.contains(envelopeKey)) {
            throw SdkClientException.create("injected: connection reset before the write");
        }
        boolean done = super.completeHeld(envelopeKey, acceptedAt, ttl, messages);
        if (COMPLETE_THEN_FAIL.contains(envelopeKey)) {
            throw SdkClientException.create("injected: connection reset after the write");
        }
        return done;
    }

    @Override
    public boolean releaseHeld(String envelopeKey) {
        if (RELEASE_FAILS.contains(envelopeKey)) {
            throw SdkClientException.create("injected: store unreachable");
        }
        return super.releaseHeld(envelopeKey);
    }
}
