package net.secureconnect.payment.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static net.secureconnect.payment.repository.Attributes.n;
import static net.secureconnect.payment.repository.Attributes.s;
import static net.secureconnect.payment.repository.Attributes.string;

/**
 * Table {@code idempotency-keys}: the checkout request an account sent under an Idempotency-Key, as a
 * fingerprint, and the payment it created. Keyed by account and key, so two users' keys never collide.
 */
@ApplicationScoped
public class IdempotencyKeyStore {

    static final String TABLE = "payment-idempotency-keys";
    static final String KEY = "idempotencyKey";
    static final String FINGERPRINT = "requestFingerprint";
    static final String PAYMENT_ID = "paymentId";
    static final String CREATED_AT = "createdAt";

    /** What a key was first used for. */
    public record Use(String fingerprint, String paymentId) {
    }

    private final DynamoDbClient dynamo;
    private final String table;

    public IdempotencyKeyStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(TABLE);
    }

    public static String key(String accountId, String idempotencyKey) {
        return accountId + "#" + idempotencyKey;
    }

    /** Claims the key; the transaction fails if it is taken. */
    public TransactWriteItem claim(String key, String fingerprint, String paymentId) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table)
                .item(Map.of(KEY, s(key), FINGERPRINT, s(fingerprint), PAYMENT_ID, s(paymentId),
                        CREATED_AT, n(Instant.now().toEpochMilli())))
                .conditionExpression("attribute_not_exists(#k)")
                .expressionAttributeNames(Map.of("#k", KEY)).build()).build();
    }

    public Optional<Use> find(String key) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(KEY, s(key)))).item();
        return item == null || item.isEmpty() ? Optional.empty()
                : Optional.of(new Use(string(item, FINGERPRINT), string(item, PAYMENT_ID)));
    }
}
