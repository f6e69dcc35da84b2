package net.secureconnect.wallet.repository;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.GroupCommit;
import net.secureconnect.runtime.dynamodb.TableNames;
import net.secureconnect.wallet.config.WalletConfig;
import net.secureconnect.wallet.service.LedgerEntry;
import net.secureconnect.wallet.service.Wallet;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static net.secureconnect.wallet.repository.LedgerStore.kinds;
import static net.secureconnect.wallet.repository.LedgerStore.n;
import static net.secureconnect.wallet.repository.LedgerStore.number;
import static net.secureconnect.wallet.repository.LedgerStore.s;

/**
 * The wallets table, and the one transaction that changes a wallet together with its ledger entries (sent to
 * DynamoDB together with other accounts' transactions of the same moment, see {@link GroupCommit}).
 * Every write is conditional: ledger entries on their id being new, the wallet on its version.
 */
@ApplicationScoped
public class WalletStore {

    static final String ACCOUNT_ID = "accountId";
    static final String BALANCE = "balance";
    static final String VERSION = "version";
    static final String UNAFFORDABLE = "unaffordable";
    static final String OVERDRAFT = "overdraft";
    static final String ANNOUNCED = "announced";
    static final String CLOSED_AT = "closedAt";
    static final String OUTBOX_SHARD = "outboxShard";
    static final String UPDATED_AT = "updatedAt";
    static final String CREATED_AT = "createdAt";

    private static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";
    /** A generous size of one ledger entry or wallet item, for the byte budget of a group commit. */
    private static final int ENTRY_BYTES = 2048;

    private final DynamoDbClient dynamo;
    private final String wallets;
    private final String ledger;
    private final int shards;
    /** Commits of accounts applied in parallel go to DynamoDB together: one request for many accounts. */
    private final GroupCommit commits;

    public WalletStore(DynamoDbClient dynamo, TableNames names, LedgerStore ledger, WalletConfig config) {
        this.dynamo = dynamo;
        this.wallets = names.physical(WalletTables.WALLETS);
        this.ledger = ledger.table();
        this.shards = config.outbox().shards();
        this.commits = new GroupCommit("wallet-commit", dynamo);
    }

    @PreDestroy
    void stop() {
        commits.stop();
    }

    /**
     * The transaction was cancelled because some entries exist already (duplicates) and/or the wallet is no
     * longer at the expected version. Nothing was written.
     */
    public static class CommitConflict extends RuntimeException {
        private final Set<String> duplicateEntryIds;
        private final boolean walletChanged;

        CommitConflict(Set<String> duplicateEntryIds, boolean walletChanged, String reasons) {
            super("transaction cancelled: " + reasons, null, false, false);
            this.duplicateEntryIds = Set.copyOf(duplicateEntryIds);
            this.walletChanged = walletChanged;
        }

        public Set<String> duplicateEntryIds() {
            return duplicateEntryIds;
        }

        public boolean walletChanged() {
            return walletChanged;
        }
    }

    /** A wallet in the outbox index: changed at {@code updatedAt}, maybe not announced after {@code announced}. */
    public record Pending(String accountId, long version, long announced, long updatedAt) {
    }

    /** The stored wallet, read consistently. */
    public Optional<Wallet> find(String accountId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(wallets).consistentRead(true)
                .key(Map.of(ACCOUNT_ID, s(accountId)))).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Wallet(accountId, number(item, BALANCE), number(item, VERSION),
                kinds(item.get(UNAFFORDABLE)), number(item, OVERDRAFT), number(item, ANNOUNCED), true,
                item.containsKey(CLOSED_AT) ? number(item, CLOSED_AT) : 0));
    }

    /**
     * Writes {@code entries} and moves the wallet from {@code before} to {@code after} in one transaction, and
     * puts the wallet into the outbox index until its announcements are confirmed.
     *
     * @throws CommitConflict when an entry exists already or the wallet moved on; nothing was written
     */
    public void commit(Wallet before, Wallet after, List<LedgerEntry> entries, Instant now) {
        List<TransactWriteItem> items = new ArrayList<>(entries.size() + 1);
        for (LedgerEntry entry : entries) {
            items.add(TransactWriteItem.builder().put(Put.builder().tableName(ledger)
                    .item(LedgerStore.item(entry))
                    .conditionExpression("attribute_not_exists(#e)")
                    .expressionAttributeNames(Map.of("#e", LedgerStore.ENTRY_ID))
                    .build()).build());
        }
        items.add(TransactWriteItem.builder().update(walletUpdate(before, after, now)).build());
        try {
            commits.transact(items, (long) ENTRY_BYTES * items.size());
        } catch (TransactionCanceledException e) {
            throw conflictOf(e, entries);
        }
    }

    private Update walletUpdate(Wallet before, Wallet after, Instant now) {
        Map<String, String> names = new HashMap<>();
        Map<String, AttributeValue> values = new HashMap<>();
        StringBuilder set = new StringBuilder("SET ");
        assign(set, names, values, BALANCE, n(after.balance()));
        assign(set, names, values, VERSION, n(after.version()));
        assign(set, names, values, UNAFFORDABLE, kinds(after.unaffordable()));
        assign(set, names, values, OVERDRAFT, n(after.overdraft()));
        assign(set, names, values, CLOSED_AT, n(after.closedAt()));
        assign(set, names, values, UPDATED_AT, n(now.toEpochMilli()));
        assign(set, names, values, OUTBOX_SHARD, s(shardOf(after.accountId())));
        String condition;
        if (before.stored()) {
            values.put(":expected", n(before.version()));
            condition = "#" + VERSION + " = :expected";
        } else {
            assign(set, names, values, ANNOUNCED, n(0));
            assign(set, names, values, CREATED_AT, s(now.toString()));
            names.put("#" + ACCOUNT_ID, ACCOUNT_ID);
            condition = "attribute_not_exists(#" + ACCOUNT_ID + ")";
        }
        return Update.builder().tableName(wallets)
                .key(Map.of(ACCOUNT_ID, s(after.accountId())))
                .updateExpression(set.toString())
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build();
    }

    private static void assign(StringBuilder set, Map<String, String> names, Map<String, AttributeValue> values,
                               String attribute, AttributeValue value) {
        if (!names.isEmpty()) {
            set.append(", ");
        }
        set.append('#').append(attribute).append(" = :").append(attribute);
        names.put("#" + attribute, attribute);
        values.put(":" + attribute, value);
    }

    private static CommitConflict conflictOf(TransactionCanceledException e, List<LedgerEntry> entries) {
        List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
        Set<String> duplicates = new LinkedHashSet<>();
        boolean walletChanged = false;
        for (int i = 0; i < reasons.size(); i++) {
            if (!CONDITIONAL_CHECK_FAILED.equals(reasons.get(i).code())) {
                continue;
            }
            if (i < entries.size()) {
                duplicates.add(entries.get(i).entryId());
            } else {
                walletChanged = true;
            }
        }
        return new CommitConflict(duplicates, walletChanged, String.valueOf(reasons.stream()
                .map(CancellationReason::code).toList()));
    }

    /**
     * Records that the entries {@code low..high} are published and takes the wallet out of the outbox index —
     * only if the wallet is still at {@code high} and everything before {@code low} was already recorded as
     * published, so a version nobody confirmed is never skipped. False when a condition does not hold.
     */
    public boolean markAnnounced(String accountId, long low, long high) {
        Update mark = markAnnouncedUpdate(new Announced(accountId, low, high));
        try {
            dynamo.updateItem(b -> b.tableName(mark.tableName()).key(mark.key())
                    .updateExpression(mark.updateExpression()).conditionExpression(mark.conditionExpression())
                    .expressionAttributeNames(mark.expressionAttributeNames())
                    .expressionAttributeValues(mark.expressionAttributeValues()));
            return true;
        } catch (ConditionalCheckFailedException notNow) {
            return false;
        }
    }

    /** Versions {@code low..high} of an account, all published. */
    public record Announced(String accountId, long low, long high) {
    }

    /** Most wallets in one {@link #markAnnounced(List)}. */
    public static final int MAX_MARKS_PER_TRANSACTION = GroupCommit.MAX_ITEMS;

    /**
     * {@link #markAnnounced(String, long, long)} for several accounts in one transaction: all or none.
     *
     * @throws software.amazon.awssdk.core.exception.SdkException when any condition does not hold (nothing
     *                                                            was written) or the request failed
     */
    public void markAnnounced(List<Announced> marks) {
        if (marks.size() > MAX_MARKS_PER_TRANSACTION) {
            throw new IllegalArgumentException(marks.size() + " wallets in one transaction");
        }
        List<TransactWriteItem> items = new ArrayList<>(marks.size());
        marks.forEach(mark -> items.add(TransactWriteItem.builder().update(markAnnouncedUpdate(mark)).build()));
        dynamo.transactWriteItems(b -> b.transactItems(items));
    }

    private Update markAnnouncedUpdate(Announced mark) {
        return Update.builder().tableName(wallets)
                .key(Map.of(ACCOUNT_ID, s(mark.accountId())))
                .updateExpression("SET #announced = :high REMOVE #shard")
                .conditionExpression("#version = :high AND #announced >= :before")
                .expressionAttributeNames(Map.of("#announced", ANNOUNCED, "#shard", OUTBOX_SHARD, "#version", VERSION))
                .expressionAttributeValues(Map.of(":high", n(mark.high()), ":before", n(mark.low() - 1)))
                .build();
    }

    /**
     * Moves {@code announced} to {@code high} when {@code low..high} continues what is recorded, without taking
     * the wallet out of the outbox index (it has newer entries). False when it does not continue it.
     */
    public boolean advanceAnnounced(String accountId, long low, long high) {
        try {
            dynamo.updateItem(b -> b.tableName(wallets)
                    .key(Map.of(ACCOUNT_ID, s(accountId)))
                    .updateExpression("SET #announced = :high")
                    .conditionExpression("#announced >= :before AND #announced < :high")
                    .expressionAttributeNames(Map.of("#announced", ANNOUNCED))
                    .expressionAttributeValues(Map.of(":high", n(high), ":before", n(low - 1))));
            return true;
        } catch (ConditionalCheckFailedException notNow) {
            return false;
        }
    }

    /** Wallets of one outbox shard last changed before {@code updatedBefore} (epoch ms), oldest first. */
    public List<Pending> pending(int shard, long updatedBefore) {
        List<Pending> pending = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(wallets)
                    .indexName(WalletTables.OUTBOX_INDEX)
                    .keyConditionExpression("#shard = :shard AND #updated < :before")
                    .expressionAttributeNames(Map.of("#shard", OUTBOX_SHARD, "#updated", UPDATED_AT))
                    .expressionAttributeValues(Map.of(":shard", s(Integer.toString(shard)),
                            ":before", n(updatedBefore)));
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse page = dynamo.query(query.build());
            page.items().forEach(item -> pending.add(new Pending(item.get(ACCOUNT_ID).s(), number(item, VERSION),
                    number(item, ANNOUNCED), number(item, UPDATED_AT))));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return pending;
    }

    public int shards() {
        return shards;
    }

    /** The outbox shard of an account: String.hashCode is specified, so every instance agrees. */
    String shardOf(String accountId) {
        return Integer.toString(Math.floorMod(accountId.hashCode(), shards));
    }
}
