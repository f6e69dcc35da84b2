package net.secureconnect.identity.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.identity.model.Prekeys;
import net.secureconnect.identity.model.Prekeys.OneTimeKind;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.Select;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static net.secureconnect.identity.repository.Attributes.b;
import static net.secureconnect.identity.repository.Attributes.bytes;
import static net.secureconnect.identity.repository.Attributes.s;
import static net.secureconnect.identity.repository.Attributes.string;

/**
 * Table {@code prekeys}: the unclaimed one-time prekeys of every device, X25519 ({@code ec#…}) and
 * ML-KEM-768 ({@code kem#…}) side by side under the device's key. A key is handed out by deleting it
 * with {@code ReturnValues=ALL_OLD}: only the caller that gets the old item back owns it.
 */
@ApplicationScoped
public class PrekeyStore {

    static final String TABLE = "prekeys";
    static final String DEVICE_KEY = "deviceKey";
    static final String KEY_ID = "keyId";
    static final String PUBLIC_KEY = "publicKey";
    static final String SIGNATURE = "signature";

    /**
     * Keys read per claim query: a whole upload's worth, so concurrent claimers, each trying them in its
     * own random order, mostly pick different keys instead of all fighting for the lowest id.
     */
    static final int CLAIM_PAGE_SIZE = 100;
    /** DynamoDB's limit of requests in one BatchWriteItem. */
    static final int BATCH_WRITE_LIMIT = 25;

    private final DynamoDbClient dynamo;
    private final String table;

    public PrekeyStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(TABLE);
    }

    /** Replaces the device's unclaimed X25519 one-time keys with these. */
    public void replaceOneTime(String accountId, int deviceId, List<Prekeys.OneTime> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (Prekeys.OneTime key : keys) {
            items.add(item(accountId, deviceId, OneTimeKind.EC, key.keyId(), key.publicKey(), null));
        }
        replace(accountId, deviceId, OneTimeKind.EC, items);
    }

    /** Replaces the device's unclaimed ML-KEM one-time keys with these. */
    public void replaceKem(String accountId, int deviceId, List<Prekeys.Kem> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (Prekeys.Kem key : keys) {
            items.add(item(accountId, deviceId, OneTimeKind.KEM, key.keyId(), key.publicKey(), key.signature()));
        }
        replace(accountId, deviceId, OneTimeKind.KEM, items);
    }

    public Optional<Prekeys.OneTime> claimOneTime(String accountId, int deviceId) {
        return claim(accountId, deviceId, OneTimeKind.EC)
                .map(item -> new Prekeys.OneTime(keyIdOf(item), bytes(item, PUBLIC_KEY)));
    }

    public Optional<Prekeys.Kem> claimKem(String accountId, int deviceId) {
        return claim(accountId, deviceId, OneTimeKind.KEM)
                .map(item -> new Prekeys.Kem(keyIdOf(item), bytes(item, PUBLIC_KEY), bytes(item, SIGNATURE)));
    }

    public int count(String accountId, int deviceId, OneTimeKind kind) {
        int count = 0;
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(query(accountId, deviceId, kind).select(Select.COUNT)
                    .exclusiveStartKey(start).build());
            count += page.count();
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return count;
    }

    /** Deletes these unclaimed keys of the device if they are still there. */
    public void delete(String accountId, int deviceId, OneTimeKind kind, Set<Integer> keyIds) {
        List<WriteRequest> deletes = new ArrayList<>();
        for (int keyId : keyIds) {
            deletes.add(deleteRequest(accountId, deviceId, sortKey(kind, keyId)));
        }
        batchWrite(deletes);
    }

    /** Deletes every unclaimed key of the device, both kinds. */
    public void deleteAll(String accountId, int deviceId) {
        for (OneTimeKind kind : OneTimeKind.values()) {
            List<WriteRequest> deletes = new ArrayList<>();
            for (String sortKey : sortKeys(accountId, deviceId, kind)) {
                deletes.add(deleteRequest(accountId, deviceId, sortKey));
            }
            batchWrite(deletes);
        }
    }

    /**
     * Signal's claim: read a page of keys, delete one with ALL_OLD. An empty answer means another caller
     * took that key first; try the others, then read again, until a key is won or none is left.
     */
    private Optional<Map<String, AttributeValue>> claim(String accountId, int deviceId, OneTimeKind kind) {
        String deviceKey = deviceKey(accountId, deviceId);
        while (true) {
            List<Map<String, AttributeValue>> page = dynamo.query(query(accountId, deviceId, kind)
                    .projectionExpression("#k").limit(CLAIM_PAGE_SIZE).build()).items();
            if (page.isEmpty()) {
                return Optional.empty();
            }
            List<Map<String, AttributeValue>> candidates = new ArrayList<>(page);
            Collections.shuffle(candidates, ThreadLocalRandom.current());
            for (Map<String, AttributeValue> candidate : candidates) {
                DeleteItemResponse deleted = dynamo.deleteItem(b -> b.tableName(table)
                        .key(Map.of(DEVICE_KEY, s(deviceKey), KEY_ID, candidate.get(KEY_ID)))
                        .returnValues(ReturnValue.ALL_OLD));
                if (deleted.hasAttributes() && !deleted.attributes().isEmpty()) {
                    return Optional.of(deleted.attributes());
                }
            }
        }
    }

    private void replace(String accountId, int deviceId, OneTimeKind kind, List<Map<String, AttributeValue>> items) {
        Set<String> old = new HashSet<>(sortKeys(accountId, deviceId, kind));
        List<WriteRequest> writes = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            old.remove(string(item, KEY_ID));
        }
        // New keys first, then the old ones go: a concurrent fetch always finds one or the other.
        batchWrite(writes);
        List<WriteRequest> deletes = new ArrayList<>();
        for (String sortKey : old) {
            deletes.add(deleteRequest(accountId, deviceId, sortKey));
        }
        batchWrite(deletes);
    }

    private List<String> sortKeys(String accountId, int deviceId, OneTimeKind kind) {
        List<String> keys = new ArrayList<>();
        dynamo.queryPaginator(query(accountId, deviceId, kind).projectionExpression("#k").build())
                .items().forEach(item -> keys.add(string(item, KEY_ID)));
        return keys;
    }

    private void batchWrite(List<WriteRequest> requests) {
        for (int from = 0; from < requests.size(); from += BATCH_WRITE_LIMIT) {
            Map<String, List<WriteRequest>> pending =
                    Map.of(table, requests.subList(from, Math.min(requests.size(), from + BATCH_WRITE_LIMIT)));
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                if (attempt > 0) {
                    backOff(attempt);
                }
                Map<String, List<WriteRequest>> batch = pending;
                BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(batch));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            }
        }
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(Math.min(1000, 20L << Math.min(attempt, 6)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing prekeys", e);
        }
    }

    private QueryRequest.Builder query(String accountId, int deviceId, OneTimeKind kind) {
        return QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("#d = :d AND begins_with(#k, :prefix)")
                .expressionAttributeNames(Map.of("#d", DEVICE_KEY, "#k", KEY_ID))
                .expressionAttributeValues(Map.of(":d", s(deviceKey(accountId, deviceId)),
                        ":prefix", s(kind.sortKeyPrefix())));
    }

    private WriteRequest deleteRequest(String accountId, int deviceId, String sortKey) {
        return WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                .key(Map.of(DEVICE_KEY, s(deviceKey(accountId, deviceId)), KEY_ID, s(sortKey))).build()).build();
    }

    private static Map<String, AttributeValue> item(String accountId, int deviceId, OneTimeKind kind, int keyId,
                                                    byte[] publicKey, byte[] signature) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(DEVICE_KEY, s(deviceKey(accountId, deviceId)));
        item.put(KEY_ID, s(sortKey(kind, keyId)));
        item.put(PUBLIC_KEY, b(publicKey));
        if (signature != null) {
            item.put(SIGNATURE, b(signature));
        }
        return item;
    }

    static String deviceKey(String accountId, int deviceId) {
        return accountId + "#" + deviceId;
    }

    /** Zero-padded, so keys sort by id within a kind. */
    static String sortKey(OneTimeKind kind, int keyId) {
        return kind.sortKeyPrefix() + String.format(Locale.ROOT, "%08d", keyId);
    }

    private static int keyIdOf(Map<String, AttributeValue> item) {
        String sortKey = string(item, KEY_ID);
        return Integer.parseInt(sortKey.substring(sortKey.indexOf('#') + 1));
    }
}
