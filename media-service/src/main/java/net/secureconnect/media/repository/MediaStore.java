package net.secureconnect.media.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.media.model.MediaItem;
import net.secureconnect.media.model.MediaItem.State;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Table {@code media}: one item per attachment slot. Every state change is conditional on the state it leaves,
 * so the owner's {@code complete}, the owner's delete and the sweep can race and exactly one wins.
 */
@ApplicationScoped
public class MediaStore {

    static final String TABLE = "media";
    static final String MEDIA_ID = "mediaId";
    static final String OWNER = "owner";
    static final String SIZE = "size";
    static final String STATE = "state";
    static final String AUTHORIZATION = "authorization";
    static final String CREATED_AT = "createdAt";
    static final String DUE_AT = "dueAt";
    static final String UPLOAD_ID = "uploadId";
    static final String AUTHORIZED = "authorized";
    static final String REQUEST_KEY = "requestKey";
    /** DynamoDB TTL (epoch seconds): the row itself goes a week after the sweep was due, as a backstop. */
    static final String EXPIRES_AT = "expiresAt";
    private static final Duration ROW_GRACE = Duration.ofDays(7);

    private final DynamoDbClient dynamo;
    private final String table;

    public MediaStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(TABLE);
    }

    /** Stores a new slot; the id is random, so a collision means a bug, and the condition turns it into one. */
    public void create(MediaItem item) {
        Map<String, AttributeValue> row = new HashMap<>();
        row.put(MEDIA_ID, s(item.mediaId()));
        row.put(OWNER, s(item.owner()));
        row.put(SIZE, n(item.size()));
        row.put(STATE, s(item.state().name()));
        row.put(AUTHORIZATION, s(item.authorization()));
        row.put(CREATED_AT, n(item.createdAt().toEpochMilli()));
        row.put(DUE_AT, n(item.dueAt().toEpochMilli()));
        row.put(EXPIRES_AT, n(item.dueAt().plus(ROW_GRACE).getEpochSecond()));
        if (item.uploadId() != null) {
            row.put(UPLOAD_ID, s(item.uploadId()));
        }
        row.put(AUTHORIZED, AttributeValue.fromBool(item.authorized()));
        if (item.requestKey() != null) {
            row.put(REQUEST_KEY, s(item.requestKey()));
        }
        dynamo.putItem(b -> b.tableName(table).item(row).conditionExpression("attribute_not_exists(#id)")
                .expressionAttributeNames(Map.of("#id", MEDIA_ID)));
    }

    public Optional<MediaItem> find(String mediaId) {
        Map<String, AttributeValue> row = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(MEDIA_ID, s(mediaId)))).item();
        return row == null || row.isEmpty() ? Optional.empty() : Optional.of(item(row));
    }

    /** Moves the slot from {@code from} to {@code to} with a new due time; false if it was not in {@code from}. */
    public boolean transition(String mediaId, State from, State to, Instant dueAt) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of(MEDIA_ID, s(mediaId)))
                    .updateExpression("SET #state = :to, #due = :due, #expires = :expires")
                    .conditionExpression("#state = :from")
                    .expressionAttributeNames(Map.of("#state", STATE, "#due", DUE_AT, "#expires", EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":to", s(to.name()), ":from", s(from.name()),
                            ":due", n(dueAt.toEpochMilli()), ":expires", n(dueAt.plus(ROW_GRACE).getEpochSecond()))));
            return true;
        } catch (ConditionalCheckFailedException notInThatState) {
            return false;
        }
    }

    /** Records that the wallet applied the slot's authorization (the hold is taken); false if no longer PENDING. */
    public boolean markAuthorized(String mediaId) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of(MEDIA_ID, s(mediaId)))
                    .updateExpression("SET #authorized = :true")
                    .conditionExpression("#state = :pending")
                    .expressionAttributeNames(Map.of("#authorized", AUTHORIZED, "#state", STATE))
                    .expressionAttributeValues(Map.of(":true", AttributeValue.fromBool(true),
                            ":pending", s(State.PENDING.name()))));
            return true;
        } catch (ConditionalCheckFailedException notPending) {
            return false;
        }
    }

    /** Deletes a REFUSED slot's row (its multipart upload aborted first): a refused request leaves no slot. */
    public void deleteRefused(String mediaId) {
        try {
            dynamo.deleteItem(b -> b.tableName(table).key(Map.of(MEDIA_ID, s(mediaId)))
                    .conditionExpression("#state = :refused")
                    .expressionAttributeNames(Map.of("#state", STATE))
                    .expressionAttributeValues(Map.of(":refused", s(State.REFUSED.name()))));
        } catch (ConditionalCheckFailedException goneOrOther) {
            // Already deleted by a concurrent cleanup or the sweep.
        }
    }

    /**
     * Slots the sweep must act on: PENDING or AVAILABLE past their due time, and every REFUSED, RELEASING or
     * REMOVING one (a refusal or removal that a crash interrupted). A scan: the table holds live slots only, and
     * the sweep runs once a minute.
     */
    public List<MediaItem> due(Instant now) {
        return scan("(#state IN (:pending, :available) AND #due <= :now) OR #state IN (:refused, :releasing, :removing)",
                Map.of("#state", STATE, "#due", DUE_AT),
                Map.of(":pending", s(State.PENDING.name()), ":available", s(State.AVAILABLE.name()),
                        ":refused", s(State.REFUSED.name()), ":releasing", s(State.RELEASING.name()),
                        ":removing", s(State.REMOVING.name()), ":now", n(now.toEpochMilli())));
    }

    /**
     * Every slot of one account not yet REMOVED, for its deletion. A scan, like {@link #due}: deletions are rare;
     * a GSI on {@code owner} is the step when the table grows.
     */
    public List<MediaItem> ownedBy(String owner) {
        return scan("#owner = :owner AND #state <> :removed", Map.of("#owner", OWNER, "#state", STATE),
                Map.of(":owner", s(owner), ":removed", s(State.REMOVED.name())));
    }

    private List<MediaItem> scan(String filter, Map<String, String> names, Map<String, AttributeValue> values) {
        List<MediaItem> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder request = ScanRequest.builder().tableName(table).consistentRead(true)
                    .filterExpression(filter).expressionAttributeNames(names).expressionAttributeValues(values);
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            ScanResponse page = dynamo.scan(request.build());
            page.items().forEach(row -> items.add(item(row)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    private static MediaItem item(Map<String, AttributeValue> row) {
        return new MediaItem(row.get(MEDIA_ID).s(), row.get(OWNER).s(), Long.parseLong(row.get(SIZE).n()),
                State.valueOf(row.get(STATE).s()), row.get(AUTHORIZATION).s(),
                Instant.ofEpochMilli(Long.parseLong(row.get(CREATED_AT).n())),
                Instant.ofEpochMilli(Long.parseLong(row.get(DUE_AT).n())),
                row.containsKey(UPLOAD_ID) ? row.get(UPLOAD_ID).s() : null,
                // Absent on rows older than the attribute: "not known to be paid" is the safe reading.
                row.containsKey(AUTHORIZED) && Boolean.TRUE.equals(row.get(AUTHORIZED).bool()),
                row.containsKey(REQUEST_KEY) ? row.get(REQUEST_KEY).s() : null);
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
