package net.secureconnect.relay.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.runtime.dynamodb.TableNames;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Calls ({@code relay-calls}), one row per accepted {@code call-offer}, keyed by (caller account, call id): a call
 * id is scoped to its caller, so nobody can reach another pair's call with a guessed id. Every state change is a
 * conditional write, so instances agree on it without talking to each other. Rows expire a day after the offer.
 */
@ApplicationScoped
public class CallStore {

    static final String CALL_KEY = "callKey";
    static final String EXPIRES_AT = "expiresAt";
    private static final String CALLER = "caller";
    private static final String CALLER_DEVICE = "callerDevice";
    private static final String CALLEE = "callee";
    private static final String CALL_ID = "callId";
    private static final String STATE = "state";
    private static final String RING_DEADLINE = "ringDeadline";
    private static final String ANSWERED_AT = "answeredAt";
    private static final String SIGNALS = "signals";
    /** How long a call row (and so its call id) is kept. */
    public static final Duration KEEP = Duration.ofDays(1);

    public enum State { RINGING, ANSWERED, ENDED }

    /**
     * One call. {@code ringDeadline}: an offer not answered by then is over, whether or not anybody wrote ENDED
     * (the instance that took the offer may have died).
     */
    public record Call(String key, String callId, String caller, int callerDevice, String callee, State state,
                       Instant ringDeadline, Optional<Instant> answeredAt, int signals) {

        /** RINGING before its deadline, or ANSWERED. */
        public boolean live(Instant now) {
            return state == State.ANSWERED || (state == State.RINGING && now.isBefore(ringDeadline));
        }
    }

    private final DynamoDbClient dynamo;
    private final String table;

    public CallStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(RelayTables.CALLS);
    }

    /** The call's key: its caller and the caller's call id. */
    public static String key(String caller, String callId) {
        return EventIds.derive("relay-call", caller, callId);
    }

    /** The relay-envelopes key that holds the authorization of the call's first minute until answer or release. */
    public static String firstMinuteHoldKey(String callKey) {
        return EventIds.derive("relay-call-minute-1", callKey);
    }

    /** Creates a ringing call; false if the caller used this call id already. */
    public boolean create(String caller, int callerDevice, String callee, String callId, Instant now, Instant ringDeadline) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(CALL_KEY, s(key(caller, callId)));
        item.put(CALL_ID, s(callId));
        item.put(CALLER, s(caller));
        item.put(CALLER_DEVICE, n(callerDevice));
        item.put(CALLEE, s(callee));
        item.put(STATE, s(State.RINGING.name()));
        item.put(RING_DEADLINE, n(ringDeadline.toEpochMilli()));
        item.put(SIGNALS, n(1)); // the offer
        item.put(EXPIRES_AT, n(now.plus(KEEP).getEpochSecond()));
        try {
            dynamo.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(" + CALL_KEY + ")"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    public Optional<Call> get(String callKey) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(CALL_KEY, s(callKey)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Call(item.get(CALL_KEY).s(), item.get(CALL_ID).s(), item.get(CALLER).s(),
                Integer.parseInt(item.get(CALLER_DEVICE).n()), item.get(CALLEE).s(), State.valueOf(item.get(STATE).s()),
                Instant.ofEpochMilli(Long.parseLong(item.get(RING_DEADLINE).n())),
                Optional.ofNullable(item.get(ANSWERED_AT)).map(a -> Instant.ofEpochMilli(Long.parseLong(a.n()))),
                Integer.parseInt(item.get(SIGNALS).n())));
    }

    /** RINGING (before its deadline) → ANSWERED, counting the answer as a signal; false if it was not ringing. */
    public boolean answer(String callKey, Instant now, int maxSignals) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of(CALL_KEY, s(callKey)))
                    .updateExpression("SET #state = :answered, #at = :now ADD #signals :one")
                    .conditionExpression("#state = :ringing AND #deadline > :now AND #signals < :max")
                    .expressionAttributeNames(Map.of("#state", STATE, "#at", ANSWERED_AT, "#signals", SIGNALS,
                            "#deadline", RING_DEADLINE))
                    .expressionAttributeValues(Map.of(":answered", s(State.ANSWERED.name()),
                            ":ringing", s(State.RINGING.name()), ":now", n(now.toEpochMilli()), ":one", n(1),
                            ":max", n(maxSignals))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Counts one signalling envelope of a live call; false if the call is not live or its count is used up. */
    public boolean countSignal(String callKey, Instant now, int maxSignals) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of(CALL_KEY, s(callKey)))
                    .updateExpression("ADD #signals :one")
                    .conditionExpression("#signals < :max AND (#state = :answered OR (#state = :ringing AND #deadline > :now))")
                    .expressionAttributeNames(Map.of("#state", STATE, "#signals", SIGNALS, "#deadline", RING_DEADLINE))
                    .expressionAttributeValues(Map.of(":answered", s(State.ANSWERED.name()),
                            ":ringing", s(State.RINGING.name()), ":now", n(now.toEpochMilli()), ":one", n(1),
                            ":max", n(maxSignals))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** {@code from} → ENDED; false if the call was not in state {@code from} (ended already, or answered). */
    public boolean end(String callKey, State from) {
        try {
            dynamo.updateItem(b -> b.tableName(table).key(Map.of(CALL_KEY, s(callKey)))
                    .updateExpression("SET #state = :ended")
                    .conditionExpression("#state = :from")
                    .expressionAttributeNames(Map.of("#state", STATE))
                    .expressionAttributeValues(Map.of(":ended", s(State.ENDED.name()), ":from", s(from.name()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
