package net.secureconnect.payment.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.DecodeResult;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static net.secureconnect.payment.repository.Attributes.n;
import static net.secureconnect.payment.repository.Attributes.number;
import static net.secureconnect.payment.repository.Attributes.s;
import static net.secureconnect.payment.repository.Attributes.string;

/**
 * Table {@code outbox}: CreditsPurchased/CreditsRevoked written in the same transaction as the payment
 * change they report, deleted once Kafka has acknowledged them. Keyed by the deterministic event id, so
 * writing the same event twice is impossible and publishing it twice is deduplicated downstream.
 */
@ApplicationScoped
public class OutboxStore {

    static final String TABLE = "payment-outbox";
    static final String EVENT_ID = "eventId";
    static final String PAYLOAD = "payload";
    static final String CREATED_AT = "createdAt";

    private final DynamoDbClient dynamo;
    private final String table;

    public OutboxStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(TABLE);
    }

    public TransactWriteItem append(Event event, Instant at) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table)
                .item(Map.of(EVENT_ID, s(event.eventId()), PAYLOAD, s(EventJson.encodeToString(event)),
                        CREATED_AT, n(at.toEpochMilli())))
                .conditionExpression("attribute_not_exists(#id)")
                .expressionAttributeNames(Map.of("#id", EVENT_ID)).build()).build();
    }

    /** An unpublished event and when it was written. */
    public record Row(Event event, Instant writtenAt) {
    }

    /** Unpublished events written before {@code cutoff}, oldest first. */
    public List<Row> writtenBefore(Instant cutoff) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        dynamo.scanPaginator(ScanRequest.builder().tableName(table).consistentRead(true)
                        .filterExpression("#c < :cutoff")
                        .expressionAttributeNames(Map.of("#c", CREATED_AT))
                        .expressionAttributeValues(Map.of(":cutoff", n(cutoff.toEpochMilli()))).build())
                .items().forEach(items::add);
        items.sort((a, b) -> Long.compare(number(a, CREATED_AT), number(b, CREATED_AT)));
        return items.stream().map(item -> new Row(read(item), Instant.ofEpochMilli(number(item, CREATED_AT)))).toList();
    }

    public void delete(String eventId) {
        dynamo.deleteItem(b -> b.tableName(table).key(Map.of(EVENT_ID, s(eventId))));
    }

    public boolean contains(String eventId) {
        return dynamo.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(EVENT_ID, s(eventId))))
                .hasItem();
    }

    private static Event read(Map<String, AttributeValue> item) {
        DecodeResult result = EventJson.decode(Topic.PAYMENTS,
                string(item, PAYLOAD).getBytes(StandardCharsets.UTF_8));
        if (!(result instanceof DecodeResult.Decoded decoded)) {
            // Written by this service from a valid event: unreadable means a bug or tampering, not input.
            throw new IllegalStateException("outbox row " + string(item, EVENT_ID) + " does not decode: " + result);
        }
        return decoded.event();
    }
}
