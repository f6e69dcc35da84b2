package net.secureconnect.relay.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableCatalog;
import net.secureconnect.runtime.dynamodb.TableSpec;
import net.secureconnect.runtime.dynamodb.TableSpec.Index;
import net.secureconnect.runtime.dynamodb.TableSpec.Key;

import java.util.List;

/** The DynamoDB tables relay-service owns (created at startup by the shared provisioner). */
@ApplicationScoped
public class RelayTables implements TableCatalog {

    /** Per-device offline queue: {@code destination} = account#device, {@code ackId} sorts oldest first. */
    public static final String QUEUE = "relay-queue";
    /** One row per accepted envelope: de-duplication of resends and the usage outbox (sparse GSI {@code outbox}). */
    public static final String ENVELOPES = "relay-envelopes";
    public static final String OUTBOX_INDEX = "outbox";
    /** One row per accepted call-offer, keyed by (caller, call id): the call's parties and state (docs/relay.md, Calls). */
    public static final String CALLS = "relay-calls";

    @Override
    public List<TableSpec> tables() {
        return List.of(
                TableSpec.of(QUEUE, Key.string(QueueStore.DESTINATION), Key.string(QueueStore.ACK_ID))
                        .withTtl(QueueStore.EXPIRES_AT),
                TableSpec.of(ENVELOPES, Key.string(QueueStore.ENVELOPE_KEY))
                        .withIndex(Index.of(OUTBOX_INDEX, Key.string(QueueStore.OUTBOX_SHARD), Key.number(QueueStore.ACCEPTED_AT)))
                        .withTtl(QueueStore.EXPIRES_AT),
                TableSpec.of(CALLS, Key.string(CallStore.CALL_KEY)).withTtl(CallStore.EXPIRES_AT));
    }
}
