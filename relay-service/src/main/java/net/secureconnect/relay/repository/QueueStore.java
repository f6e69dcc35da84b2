package net.secureconnect.relay.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.relay.protocol.EnvelopeKind;
import net.secureconnect.runtime.dynamodb.GroupCommit;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The relay's two tables: per-device queues ({@code relay-queue}) and accepted envelopes with their usage outbox
 * ({@code relay-envelopes}). Bodies are stored only as opaque bytes in the recipient device's queue row.
 */
@ApplicationScoped
public class QueueStore {

    static final String DESTINATION = "destination";
    static final String ACK_ID = "ackId";
    static final String EXPIRES_AT = "expiresAt";
    static final String ENVELOPE_KEY = "envelopeKey";
    static final String OUTBOX_SHARD = "outboxShard";
    static final String ACCEPTED_AT = "acceptedAt";
    private static final String ENVELOPE_ID = "envelopeId";
    private static final String SENDER = "sender";
    private static final String SENDER_DEVICE = "senderDevice";
    private static final String MESSAGE_TYPE = "messageType";
    private static final String BODY = "body";
    private static final String USAGE_EVENT = "usageEvent";
    private static final String KIND = "kind";
    private static final String CALL_ID = "callId";
    private static final String STATE = "state";

    /** DynamoDB's limit on the items of one TransactWriteItems. */
    public static final int MAX_TRANSACTION_ITEMS = GroupCommit.MAX_ITEMS;
    /** DynamoDB's limit on the requests of one BatchWriteItem. */
    public static final int MAX_BATCH_WRITE_ITEMS = 25;
    /** A row's attributes other than the ciphertext, generously: the byte budget of a group commit. */
    private static final int ROW_OVERHEAD_BYTES = 512;

    private final DynamoDbClient dynamo;
    private final String queueTable;
    private final String envelopesTable;

    private final GroupCommit commits;

    public QueueStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.queueTable = names.physical(RelayTables.QUEUE);
        this.envelopesTable = names.physical(RelayTables.ENVELOPES);
        this.commits = new GroupCommit("relay-store-commit", dynamo);
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        commits.stop();
    }

    /** One device's copy of an envelope, as queued. */
    public record QueuedMessage(String destination, String ackId, String envelopeId, String sender, int senderDevice,
                                String typeJson, byte[] body, Instant acceptedAt, EnvelopeKind kind, String callId) {
        public String account() {
            return destination.substring(0, destination.lastIndexOf('#'));
        }

        public int device() {
            return Integer.parseInt(destination.substring(destination.lastIndexOf('#') + 1));
        }
    }

    /** A usage event accepted with its envelope (or the release of a hold) and perhaps not yet published. */
    public record Leftover(String envelopeKey, byte[] usageEvent, EnvelopeState state, Instant acceptedAt) {
    }

    public enum StoreOutcome { STORED, DUPLICATE }

    public static String destination(String account, int device) {
        return account + "#" + device;
    }

    /** The envelope's identity: one per sender and client envelope id. */
    public static String envelopeKey(String sender, String envelopeId) {
        return EventIds.derive("relay-envelope", sender, envelopeId);
    }

    /** Queue sort key: acceptance time first (oldest first), then the envelope key (unique per destination). */
    public static String ackId(Instant acceptedAt, String envelopeKey) {
        return String.format("%013d-%s", acceptedAt.toEpochMilli(), envelopeKey);
    }

    /**
     * Where an envelope id stands. {@code HELD}: its AUTHORIZE is out and nothing is queued yet;
     * {@code RELEASING}: the authorization is being given back (the id is spent); {@code ACCEPTED}: durable and
     * paid (rows written before holds existed have no state and are accepted).
     */
    public enum EnvelopeState { NONE, HELD, RELEASING, ACCEPTED }

    public EnvelopeState state(String envelopeKey) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(envelopesTable).consistentRead(true)
                .key(Map.of(ENVELOPE_KEY, s(envelopeKey)))).item();
        if (item == null || item.isEmpty()) {
            return EnvelopeState.NONE;
        }
        AttributeValue state = item.get(STATE);
        return state == null ? EnvelopeState.ACCEPTED : EnvelopeState.valueOf(state.s());
    }

    /** True when the envelope was accepted before (a resend). */
    public boolean accepted(String envelopeKey) {
        return state(envelopeKey) == EnvelopeState.ACCEPTED;
    }

    /**
     * Holds an envelope id before its AUTHORIZE is published, with the RELEASE of that authorization in the
     * outbox, due at {@code due}: if nobody completes or drops the hold by then (the instance died while
     * waiting for the wallet), the sweeper publishes the release and the sender gets the credit back.
     */
    public StoreOutcome hold(String envelopeKey, String sender, String envelopeId, Instant due, Duration ttl,
                             byte[] releaseEvent, int outboxShard) {
        Map<String, AttributeValue> envelope = new HashMap<>();
        envelope.put(ENVELOPE_KEY, s(envelopeKey));
        envelope.put(SENDER, s(sender));
        envelope.put(ENVELOPE_ID, s(envelopeId));
        envelope.put(ACCEPTED_AT, n(due.toEpochMilli())); // the outbox index's sort key: not swept before due
        envelope.put(EXPIRES_AT, n(due.plus(ttl).getEpochSecond()));
        envelope.put(STATE, s(EnvelopeState.HELD.name()));
        envelope.put(USAGE_EVENT, AttributeValue.fromB(SdkBytes.fromByteArray(releaseEvent)));
        envelope.put(OUTBOX_SHARD, s(Integer.toString(outboxShard)));
        try {
            dynamo.putItem(b -> b.tableName(envelopesTable).item(envelope)
                    .conditionExpression("attribute_not_exists(" + ENVELOPE_KEY + ")"));
            return StoreOutcome.STORED;
        } catch (ConditionalCheckFailedException e) {
            return StoreOutcome.DUPLICATE;
        }
    }

    /**
     * The wallet debited a held envelope: its queue rows and its acceptance in one transaction, only while it is
     * still held. False when it is not (the sweeper is releasing it): nothing was written.
     */
    public boolean completeHeld(String envelopeKey, Instant acceptedAt, Duration ttl, List<QueuedMessage> messages) {
        long expiresAt = acceptedAt.plus(ttl).getEpochSecond();
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder().update(Update.builder().tableName(envelopesTable)
                .key(Map.of(ENVELOPE_KEY, s(envelopeKey)))
                .updateExpression("SET #state = :accepted, #at = :at, #expires = :expires REMOVE #usage, #shard")
                .conditionExpression("#state = :held")
                .expressionAttributeNames(Map.of("#state", STATE, "#at", ACCEPTED_AT, "#expires", EXPIRES_AT,
                        "#usage", USAGE_EVENT, "#shard", OUTBOX_SHARD))
                .expressionAttributeValues(Map.of(":accepted", s(EnvelopeState.ACCEPTED.name()),
                        ":held", s(EnvelopeState.HELD.name()), ":at", n(acceptedAt.toEpochMilli()),
                        ":expires", n(expiresAt)))
                .build()).build());
        long bytes = ROW_OVERHEAD_BYTES;
        for (QueuedMessage message : messages) {
            items.add(queueRow(message, expiresAt));
            bytes += message.body().length + message.typeJson().length() + ROW_OVERHEAD_BYTES;
        }
        try {
            commits.transact(items, bytes);
            return true;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                return false;
            }
            throw e;
        }
    }

    /** A held envelope whose authorization the wallet refused (nothing to give back): the hold is removed. */
    public void dropHeld(String envelopeKey) {
        try {
            dynamo.deleteItem(b -> b.tableName(envelopesTable).key(Map.of(ENVELOPE_KEY, s(envelopeKey)))
                    .conditionExpression("#state = :held")
                    .expressionAttributeNames(Map.of("#state", STATE))
                    .expressionAttributeValues(Map.of(":held", s(EnvelopeState.HELD.name()))));
        } catch (ConditionalCheckFailedException e) {
            // released or completed meanwhile: nothing to drop
        }
    }

    /**
     * Turns a held envelope into one being released, so no completion can follow; its outbox entry (the
     * RELEASE) is then published. True if it was held; false if it was completed or is being released already.
     */
    public boolean releaseHeld(String envelopeKey) {
        try {
            dynamo.updateItem(b -> b.tableName(envelopesTable).key(Map.of(ENVELOPE_KEY, s(envelopeKey)))
                    .updateExpression("SET #state = :releasing")
                    .conditionExpression("#state = :held")
                    .expressionAttributeNames(Map.of("#state", STATE))
                    .expressionAttributeValues(Map.of(":held", s(EnvelopeState.HELD.name()),
                            ":releasing", s(EnvelopeState.RELEASING.name()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /**
     * Stores the envelope's row and every device's queue row in one transaction (sent together with the
     * envelopes of other sends stored at the same moment, see {@link GroupCommit}); with {@code usageEvent}, the envelope row
     * is also an outbox entry (sparse index) until {@link #clearOutbox} records the publication. A resend of an
     * envelope accepted before is {@link StoreOutcome#DUPLICATE}, and nothing is written for it.
     */
    public StoreOutcome store(String envelopeKey, String sender, String envelopeId, Instant acceptedAt,
                              Duration ttl, List<QueuedMessage> messages, Optional<byte[]> usageEvent, int outboxShard) {
        long expiresAt = acceptedAt.plus(ttl).getEpochSecond();
        Map<String, AttributeValue> envelope = new HashMap<>();
        envelope.put(ENVELOPE_KEY, s(envelopeKey));
        envelope.put(SENDER, s(sender));
        envelope.put(ENVELOPE_ID, s(envelopeId));
        envelope.put(ACCEPTED_AT, n(acceptedAt.toEpochMilli()));
        envelope.put(EXPIRES_AT, n(expiresAt));
        usageEvent.ifPresent(bytes -> {
            envelope.put(USAGE_EVENT, AttributeValue.fromB(SdkBytes.fromByteArray(bytes)));
            envelope.put(OUTBOX_SHARD, s(Integer.toString(outboxShard)));
        });
        List<TransactWriteItem> items = new ArrayList<>();
        long bytes = ROW_OVERHEAD_BYTES + usageEvent.map(u -> u.length).orElse(0);
        items.add(TransactWriteItem.builder().put(Put.builder().tableName(envelopesTable).item(envelope)
                .conditionExpression("attribute_not_exists(" + ENVELOPE_KEY + ")").build()).build());
        for (QueuedMessage message : messages) {
            items.add(queueRow(message, expiresAt));
            bytes += message.body().length + message.typeJson().length() + ROW_OVERHEAD_BYTES;
        }
        try {
            commits.transact(items, bytes);
            return StoreOutcome.STORED;
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.cancellationReasons();
            if (!reasons.isEmpty() && "ConditionalCheckFailed".equals(reasons.get(0).code())) {
                return StoreOutcome.DUPLICATE;
            }
            throw e;
        }
    }

    private TransactWriteItem queueRow(QueuedMessage message, long expiresAt) {
        Map<String, AttributeValue> row = new HashMap<>();
        row.put(DESTINATION, s(message.destination()));
        row.put(ACK_ID, s(message.ackId()));
        row.put(ENVELOPE_ID, s(message.envelopeId()));
        row.put(SENDER, s(message.sender()));
        row.put(SENDER_DEVICE, n(message.senderDevice()));
        row.put(MESSAGE_TYPE, s(message.typeJson()));
        row.put(BODY, AttributeValue.fromB(SdkBytes.fromByteArray(message.body())));
        row.put(ACCEPTED_AT, n(message.acceptedAt().toEpochMilli()));
        row.put(EXPIRES_AT, n(expiresAt));
        if (message.kind().call()) {
            row.put(KIND, s(message.kind().wireName()));
            row.put(CALL_ID, s(message.callId()));
        }
        return TransactWriteItem.builder().put(Put.builder().tableName(queueTable).item(row).build()).build();
    }

    /** Records that the envelope's usage event was acknowledged by Kafka: it leaves the outbox index. */
    public void clearOutbox(String envelopeKey) {
        dynamo.updateItem(clear(envelopeKey));
    }

    /**
     * {@link #clearOutbox} for up to {@value #MAX_TRANSACTION_ITEMS} envelopes in one request: one transaction is
     * far cheaper than one update each. All or nothing; the caller falls back to single clears when it fails.
     */
    public void clearOutbox(List<String> envelopeKeys) {
        if (envelopeKeys.size() == 1) {
            clearOutbox(envelopeKeys.get(0));
            return;
        }
        List<TransactWriteItem> items = new ArrayList<>(envelopeKeys.size());
        for (String key : envelopeKeys) {
            UpdateItemRequest update = clear(key);
            items.add(TransactWriteItem.builder().update(Update.builder().tableName(update.tableName()).key(update.key())
                    .updateExpression(update.updateExpression()).conditionExpression(update.conditionExpression())
                    .build()).build());
        }
        dynamo.transactWriteItems(b -> b.transactItems(items));
    }

    private UpdateItemRequest clear(String envelopeKey) {
        return UpdateItemRequest.builder().tableName(envelopesTable).key(Map.of(ENVELOPE_KEY, s(envelopeKey)))
                .updateExpression("REMOVE " + OUTBOX_SHARD)
                .conditionExpression("attribute_exists(" + ENVELOPE_KEY + ")").build();
    }

    /** Outbox entries of one shard accepted before {@code before}, oldest first. */
    public List<Leftover> leftovers(int shard, Instant before, int limit) {
        QueryResponse response = dynamo.query(b -> b.tableName(envelopesTable).indexName(RelayTables.OUTBOX_INDEX)
                .keyConditionExpression("#s = :s AND #a < :before")
                .expressionAttributeNames(Map.of("#s", OUTBOX_SHARD, "#a", ACCEPTED_AT))
                .expressionAttributeValues(Map.of(":s", s(Integer.toString(shard)), ":before", n(before.toEpochMilli())))
                .limit(limit));
        List<Leftover> leftovers = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            AttributeValue usage = item.get(USAGE_EVENT);
            if (usage != null) {
                EnvelopeState state = item.containsKey(STATE) ? EnvelopeState.valueOf(item.get(STATE).s())
                        : EnvelopeState.ACCEPTED;
                leftovers.add(new Leftover(item.get(ENVELOPE_KEY).s(), usage.b().asByteArray(), state,
                        Instant.ofEpochMilli(Long.parseLong(item.get(ACCEPTED_AT).n()))));
            }
        }
        return leftovers;
    }

    /** A page of a device's queue; {@code next} is where the following page starts, if there is one. */
    public record Page(List<QueuedMessage> rows, Optional<String> next) {
    }

    /** Unexpired rows of a device's queue after {@code afterAckId} (exclusive), oldest first, from up to {@code limit} read. */
    public Page page(String destination, Optional<String> afterAckId, int limit) {
        long nowSeconds = Instant.now().getEpochSecond();
        List<QueuedMessage> rows = new ArrayList<>();
        QueryResponse response = dynamo.query(b -> {
            b.tableName(queueTable).consistentRead(true).scanIndexForward(true).limit(limit)
                    .keyConditionExpression("#d = :d")
                    .expressionAttributeNames(Map.of("#d", DESTINATION))
                    .expressionAttributeValues(Map.of(":d", s(destination)));
            afterAckId.ifPresent(after -> b.exclusiveStartKey(Map.of(DESTINATION, s(destination), ACK_ID, s(after))));
        });
        for (Map<String, AttributeValue> item : response.items()) {
            if (Long.parseLong(item.get(EXPIRES_AT).n()) <= nowSeconds) {
                continue; // DynamoDB expires rows lazily
            }
            rows.add(row(item));
        }
        Optional<String> next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? Optional.of(response.lastEvaluatedKey().get(ACK_ID).s()) : Optional.empty();
        return new Page(rows, next);
    }

    /** Deletes a row of the caller's own queue; returns it if it was there. */
    public Optional<QueuedMessage> delete(String destination, String ackId) {
        DeleteItemResponse response = dynamo.deleteItem(b -> b.tableName(queueTable)
                .key(Map.of(DESTINATION, s(destination), ACK_ID, s(ackId))).returnValues(ReturnValue.ALL_OLD));
        return response.hasAttributes() && !response.attributes().isEmpty()
                ? Optional.of(row(response.attributes())) : Optional.empty();
    }

    /** A queue row's key. */
    public record RowKey(String destination, String ackId) {
    }

    /** Deletes up to {@value #MAX_BATCH_WRITE_ITEMS} rows in one request; retries what DynamoDB left unprocessed. */
    public void delete(List<RowKey> rows) {
        List<WriteRequest> requests = new ArrayList<>(rows.size());
        for (RowKey row : rows) {
            requests.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                    .key(Map.of(DESTINATION, s(row.destination()), ACK_ID, s(row.ackId()))).build()).build());
        }
        Map<String, List<WriteRequest>> unprocessed = Map.of(queueTable, requests);
        for (int attempt = 0; !unprocessed.isEmpty(); attempt++) {
            if (attempt == 5) {
                throw new IllegalStateException("rows left unprocessed after 5 attempts");
            }
            Map<String, List<WriteRequest>> batch = unprocessed;
            unprocessed = dynamo.batchWriteItem(b -> b.requestItems(batch)).unprocessedItems();
        }
    }

    /**
     * Drops a device's whole queue (its account was deleted or the device removed: ids are never reused, so
     * nobody can fetch it any more); returns how many rows went. Repeatable: a second call finds nothing.
     */
    public int dropQueue(String destination) {
        int dropped = 0;
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = dynamo.query(b -> {
                b.tableName(queueTable).consistentRead(true).limit(MAX_BATCH_WRITE_ITEMS)
                        .keyConditionExpression("#d = :d").projectionExpression("#d, #a")
                        .expressionAttributeNames(Map.of("#d", DESTINATION, "#a", ACK_ID))
                        .expressionAttributeValues(Map.of(":d", s(destination)));
                if (from != null) {
                    b.exclusiveStartKey(from);
                }
            });
            List<RowKey> rows = page.items().stream()
                    .map(item -> new RowKey(item.get(DESTINATION).s(), item.get(ACK_ID).s())).toList();
            if (!rows.isEmpty()) {
                delete(rows);
                dropped += rows.size();
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return dropped;
    }

    /** Rows of a device's queue, expired or not (tests and metrics). */
    public int count(String destination) {
        return dynamo.query(b -> b.tableName(queueTable).consistentRead(true)
                .keyConditionExpression("#d = :d").expressionAttributeNames(Map.of("#d", DESTINATION))
                .expressionAttributeValues(Map.of(":d", s(destination)))).count();
    }

    private static QueuedMessage row(Map<String, AttributeValue> item) {
        return new QueuedMessage(item.get(DESTINATION).s(), item.get(ACK_ID).s(), item.get(ENVELOPE_ID).s(),
                item.get(SENDER).s(), Integer.parseInt(item.get(SENDER_DEVICE).n()), item.get(MESSAGE_TYPE).s(),
                item.get(BODY).b().asByteArray(), Instant.ofEpochMilli(Long.parseLong(item.get(ACCEPTED_AT).n())),
                item.containsKey(KIND) ? EnvelopeKind.byWireName(item.get(KIND).s()).orElse(EnvelopeKind.MESSAGE)
                        : EnvelopeKind.MESSAGE,
                item.containsKey(CALL_ID) ? item.get(CALL_ID).s() : null);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
