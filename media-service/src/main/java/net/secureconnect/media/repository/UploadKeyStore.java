package net.secureconnect.media.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Table {@code media-upload-keys}: which upload request an account sent under an Idempotency-Key (as a
 * fingerprint of its body) and the slot it created, as payment-service does for checkouts. Keyed by account
 * and key, so one account's key never reaches another account's slot. Rows expire (TTL) a day after the upload
 * window: a key is a retry handle, not a permanent name.
 */
@ApplicationScoped
public class UploadKeyStore {

    static final String TABLE = "media-upload-keys";
    static final String KEY = "requestKey";
    static final String FINGERPRINT = "requestFingerprint";
    static final String MEDIA_ID = "mediaId";
    static final String CREATED_AT = "createdAt";
    static final String EXPIRES_AT = "expiresAt";
    private static final Duration GRACE = Duration.ofDays(1);

    /** What a key was first used for. */
    public record Use(String requestKey, String fingerprint, String mediaId) {
    }

    private final DynamoDbClient dynamo;
    private final String table;

    public UploadKeyStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(TABLE);
    }

    /** The stored key of {@code accountId}'s Idempotency-Key: the account is part of it. */
    public static String requestKey(String accountId, String idempotencyKey) {
        return accountId + "#" + idempotencyKey;
    }

    /** Claims the key for a new slot; false if it is taken (then {@link #find} tells by what). */
    public boolean claim(String requestKey, String fingerprint, String mediaId, Instant now, Duration uploadWindow) {
        Map<String, AttributeValue> row = new HashMap<>();
        row.put(KEY, AttributeValue.fromS(requestKey));
        row.put(FINGERPRINT, AttributeValue.fromS(fingerprint));
        row.put(MEDIA_ID, AttributeValue.fromS(mediaId));
        row.put(CREATED_AT, AttributeValue.fromN(Long.toString(now.toEpochMilli())));
        row.put(EXPIRES_AT, AttributeValue.fromN(Long.toString(now.plus(uploadWindow).plus(GRACE).getEpochSecond())));
        try {
            dynamo.putItem(b -> b.tableName(table).item(row).conditionExpression("attribute_not_exists(#k)")
                    .expressionAttributeNames(Map.of("#k", KEY)));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    public Optional<Use> find(String requestKey) {
        Map<String, AttributeValue> row = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(KEY, AttributeValue.fromS(requestKey)))).item();
        return row == null || row.isEmpty() ? Optional.empty()
                : Optional.of(new Use(requestKey, row.get(FINGERPRINT).s(), row.get(MEDIA_ID).s()));
    }

    /**
     * Gives the key back (its request was refused or failed before anything was published), only if it still
     * names {@code mediaId}: a retry with the key is then a new request.
     */
    public void release(String requestKey, String mediaId) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of(KEY, AttributeValue.fromS(requestKey)))
                    .conditionExpression("#m = :m")
                    .expressionAttributeNames(Map.of("#m", MEDIA_ID))
                    .expressionAttributeValues(Map.of(":m", AttributeValue.fromS(mediaId))));
        } catch (ConditionalCheckFailedException goneOrReused) {
            // Already released, or claimed anew by a later request: nothing to do.
        }
    }

    /** Drops every key of a deleted account (a scan: deletions are rare, rows expire anyway). */
    public void deleteAccount(String accountId) {
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder request = ScanRequest.builder().tableName(table).consistentRead(true)
                    .filterExpression("begins_with(#k, :prefix)").expressionAttributeNames(Map.of("#k", KEY))
                    .expressionAttributeValues(Map.of(":prefix", AttributeValue.fromS(accountId + "#")));
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            ScanResponse page = dynamo.scan(request.build());
            for (Map<String, AttributeValue> row : page.items()) {
                dynamo.deleteItem(b -> b.tableName(table).key(Map.of(KEY, row.get(KEY))));
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
    }
}
