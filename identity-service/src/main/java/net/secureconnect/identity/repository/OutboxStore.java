package net.secureconnect.identity.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.json.DecodeResult;
import net.secureconnect.contracts.json.EventJson;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static net.secureconnect.identity.repository.Attributes.n;
import static net.secureconnect.identity.repository.Attributes.number;
import static net.secureconnect.identity.repository.Attributes.s;
import static net.secureconnect.identity.repository.Attributes.string;

/**
 * Table {@code outbox}: events written in the same transaction as the change they report, deleted once
 * Kafka has acknowledged them. Keyed by account and sequence, so an account's events come out in order.
 */
@ApplicationScoped
public class OutboxStore {

    static final String TABLE = "identity-outbox";
    static final String ACCOUNT_ID = "accountId";
    static final String SEQ = "seq";
    static final String EVENT_ID = "eventId";
    static final String EVENT_TYPE = "eventType";
    static final String PAYLOAD = "payload";
    static final String CREATED_AT = "createdAt";

    /** An event waiting to be published. */
    public record Entry(String accountId, long seq, Event event) {
    }

    private final DynamoDbClient dynamo;
    private final String table;

    public OutboxStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(TABLE);
    }

    /** The event at this sequence number of its account; fails if the slot is taken. */
    public TransactWriteItem append(Event event, long seq) {
        return TransactWriteItem.builder().put(Put.builder().tableName(table)
                .item(Map.of(
                        ACCOUNT_ID, s(event.accountId()),
                        SEQ, n(seq),
                        EVENT_ID, s(event.eventId()),
                        EVENT_TYPE, s(event.type().wireName()),
                        PAYLOAD, s(EventJson.encodeToString(event)),
                        CREATED_AT, n(Instant.now().toEpochMilli())))
                .conditionExpression("attribute_not_exists(#seq)")
                .expressionAttributeNames(Map.of("#seq", SEQ)).build()).build();
    }

    /** The account's unpublished events, oldest first. */
    public List<Entry> pending(String accountId) {
        List<Entry> entries = new ArrayList<>();
        dynamo.queryPaginator(QueryRequest.builder().tableName(table).consistentRead(true)
                        .keyConditionExpression("#a = :a")
                        .expressionAttributeNames(Map.of("#a", ACCOUNT_ID))
                        .expressionAttributeValues(Map.of(":a", s(accountId))).build())
                .items().forEach(item -> entries.add(read(item)));
        return entries;
    }

    public void delete(String accountId, long seq) {
        dynamo.deleteItem(b -> b.tableName(table).key(Map.of(ACCOUNT_ID, s(accountId), SEQ, n(seq))));
    }

    /**
     * Accounts with an event written before {@code cutoff} and still unpublished, at most {@code limit}, each with
     * the write time (epoch ms) of its oldest such event.
     */
    public Map<String, Long> accountsWithEventsBefore(Instant cutoff, int limit) {
        Map<String, Long> accounts = new LinkedHashMap<>();
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(ScanRequest.builder().tableName(table)
                .filterExpression("#c < :cutoff")
                .projectionExpression("#a, #c")
                .expressionAttributeNames(Map.of("#c", CREATED_AT, "#a", ACCOUNT_ID))
                .expressionAttributeValues(Map.of(":cutoff", n(cutoff.toEpochMilli()))).build()).items()) {
            accounts.merge(string(item, ACCOUNT_ID), number(item, CREATED_AT), Math::min);
            if (accounts.size() >= limit) {
                break;
            }
        }
        return accounts;
    }

    private static Entry read(Map<String, AttributeValue> item) {
        String payload = string(item, PAYLOAD);
        DecodeResult result = EventJson.decode(Topic.ACCOUNTS, payload.getBytes(StandardCharsets.UTF_8));
        if (!(result instanceof DecodeResult.Decoded decoded)) {
            // Written by this service from a valid event: unreadable means a bug or tampering, not input.
            throw new IllegalStateException("outbox row " + string(item, ACCOUNT_ID) + "/" + number(item, SEQ)
                    + " (" + string(item, EVENT_ID) + ") does not decode: " + result);
        }
        return new Entry(string(item, ACCOUNT_ID), number(item, SEQ), decoded.event());
    }
}
