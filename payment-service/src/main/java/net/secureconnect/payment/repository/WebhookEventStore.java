package net.secureconnect.payment.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static net.secureconnect.payment.repository.Attributes.n;
import static net.secureconnect.payment.repository.Attributes.s;

/** Table {@code webhook-events}: one row per gateway event ever processed; never the body. */
@ApplicationScoped
public class WebhookEventStore {

    static final String TABLE = "webhook-events";
    static final String WEBHOOK_EVENT_ID = "webhookEventId";
    static final String OUTCOME = "outcome";
    static final String PAYMENT_ID = "paymentId";
    static final String RECEIVED_AT = "receivedAt";

    private final DynamoDbClient dynamo;
    private final String table;

    public WebhookEventStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(TABLE);
    }

    /** Gateway name and the gateway's event id: ids are only unique per gateway. */
    public static String key(String gateway, String eventId) {
        return gateway + ":" + eventId;
    }

    /** Records the event; the transaction fails if it was recorded before (the dedup point). */
    public TransactWriteItem recordOnce(String key, String outcome, String paymentId) {
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item = new HashMap<>();
        item.put(WEBHOOK_EVENT_ID, s(key));
        item.put(OUTCOME, s(outcome));
        item.put(RECEIVED_AT, n(Instant.now().toEpochMilli()));
        if (paymentId != null) {
            item.put(PAYMENT_ID, s(paymentId));
        }
        return TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#k)")
                .expressionAttributeNames(Map.of("#k", WEBHOOK_EVENT_ID)).build()).build();
    }

    public boolean seen(String key) {
        return dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(WEBHOOK_EVENT_ID, s(key)))).hasItem();
    }

    /** The outcome recorded for the event (what happened, or why it was refused), if it was seen. */
    public java.util.Optional<String> outcome(String key) {
        var item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(WEBHOOK_EVENT_ID, s(key)))).item();
        return item == null || item.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(Attributes.string(item, OUTCOME));
    }

    /** Number of recorded events (tests and operators; a scan). */
    public int count() {
        return dynamo.scan(b -> b.tableName(table).select("COUNT")).count();
    }
}
