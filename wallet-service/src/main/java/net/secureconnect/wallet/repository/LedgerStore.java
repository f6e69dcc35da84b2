package net.secureconnect.wallet.repository;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.contracts.UsageRejectionReason;
import net.secureconnect.runtime.dynamodb.TableNames;
import net.secureconnect.wallet.service.EntryKind;
import net.secureconnect.wallet.service.LedgerEntry;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The append-only ledger table: item mapping and reads. Entries are written only by {@link WalletStore#commit}. */
@ApplicationScoped
public class LedgerStore {

    static final String ACCOUNT_ID = "accountId";
    static final String ENTRY_ID = "entryId";
    static final String VERSION = "version";
    static final String KIND = "kind";
    static final String CAUSE = "cause";
    static final String AMOUNT = "amount";
    static final String BALANCE_AFTER = "balanceAfter";
    static final String OVERDRAFT = "overdraft";
    static final String AT = "at";
    static final String UNAFFORDABLE = "unaffordable";
    static final String SUSPENDS = "suspends";
    static final String REINSTATED = "reinstated";
    static final String USAGE_KIND = "usageKind";
    static final String UNITS = "units";
    static final String MODE = "mode";
    static final String USAGE_CAUSE = "usageCause";
    static final String SOURCE = "source";
    static final String REJECTION = "rejection";
    static final String PAYMENT_ID = "paymentId";
    static final String NOTE = "note";
    static final String REQUEST_HASH = "requestHash";

    private final DynamoDbClient dynamo;
    private final String table;

    public LedgerStore(DynamoDbClient dynamo, TableNames names) {
        this.dynamo = dynamo;
        this.table = names.physical(WalletTables.LEDGER);
    }

    String table() {
        return table;
    }

    /** One page of an account's ledger, newest first. */
    public record Page(List<LedgerEntry> entries, Long nextBefore) {
    }

    /** The entry with this id, read consistently. */
    public Optional<LedgerEntry> find(String accountId, String entryId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(ACCOUNT_ID, s(accountId), ENTRY_ID, s(entryId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(entry(item));
    }

    /** Every entry with a version above {@code version}, oldest first: what may still need announcing. */
    public List<LedgerEntry> after(String accountId, long version) {
        List<LedgerEntry> entries = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table)
                    .indexName(WalletTables.BY_VERSION_INDEX)
                    .keyConditionExpression("#a = :a AND #v > :v")
                    .expressionAttributeNames(Map.of("#a", ACCOUNT_ID, "#v", VERSION))
                    .expressionAttributeValues(Map.of(":a", s(accountId), ":v", n(version)))
                    .scanIndexForward(true);
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse page = dynamo.query(query.build());
            page.items().forEach(item -> entries.add(entry(item)));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return entries;
    }

    /** Up to {@code limit} entries older than version {@code before} (all when null), newest first. */
    public Page page(String accountId, Long before, int limit) {
        Map<String, String> names = Map.of("#a", ACCOUNT_ID, "#v", VERSION);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":a", s(accountId));
        String condition = "#a = :a";
        if (before != null) {
            condition += " AND #v < :v";
            values.put(":v", n(before));
        }
        QueryResponse response = dynamo.query(QueryRequest.builder().tableName(table)
                .indexName(WalletTables.BY_VERSION_INDEX)
                .keyConditionExpression(condition)
                .expressionAttributeNames(before != null ? names : Map.of("#a", ACCOUNT_ID))
                .expressionAttributeValues(values)
                .scanIndexForward(false)
                .limit(limit)
                .build());
        List<LedgerEntry> entries = response.items().stream().map(LedgerStore::entry).toList();
        boolean more = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                && entries.size() == limit && entries.get(entries.size() - 1).version() > 1;
        return new Page(entries, more ? entries.get(entries.size() - 1).version() : null);
    }

    static Map<String, AttributeValue> item(LedgerEntry entry) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(ACCOUNT_ID, s(entry.accountId()));
        item.put(ENTRY_ID, s(entry.entryId()));
        item.put(VERSION, n(entry.version()));
        item.put(KIND, s(entry.kind().name()));
        item.put(CAUSE, s(entry.cause()));
        item.put(AMOUNT, n(entry.amount()));
        item.put(BALANCE_AFTER, n(entry.balanceAfter()));
        if (entry.overdraft() != 0) {
            item.put(OVERDRAFT, n(entry.overdraft()));
        }
        item.put(AT, s(entry.at().toString()));
        item.put(UNAFFORDABLE, kinds(entry.unaffordable()));
        if (entry.suspends()) {
            item.put(SUSPENDS, AttributeValue.fromBool(true));
        }
        if (!entry.reinstated().isEmpty()) {
            item.put(REINSTATED, kinds(entry.reinstated()));
        }
        LedgerEntry.Usage usage = entry.usage();
        if (usage != null) {
            item.put(USAGE_KIND, s(usage.kind().name()));
            item.put(UNITS, n(usage.units()));
            item.put(MODE, s(usage.mode().name()));
            item.put(USAGE_CAUSE, s(usage.causeId()));
            item.put(SOURCE, s(usage.source()));
            if (usage.rejection() != null) {
                item.put(REJECTION, s(usage.rejection().name()));
            }
        }
        putIfPresent(item, PAYMENT_ID, entry.paymentId());
        putIfPresent(item, NOTE, entry.note());
        putIfPresent(item, REQUEST_HASH, entry.requestHash());
        return item;
    }

    static LedgerEntry entry(Map<String, AttributeValue> item) {
        LedgerEntry.Usage usage = null;
        if (item.containsKey(USAGE_KIND)) {
            usage = new LedgerEntry.Usage(UsageKind.valueOf(item.get(USAGE_KIND).s()),
                    Integer.parseInt(item.get(UNITS).n()), UsageMode.valueOf(item.get(MODE).s()),
                    item.get(USAGE_CAUSE).s(), item.get(SOURCE).s(),
                    item.containsKey(REJECTION) ? UsageRejectionReason.valueOf(item.get(REJECTION).s()) : null);
        }
        return new LedgerEntry(item.get(ACCOUNT_ID).s(), item.get(ENTRY_ID).s(), number(item, VERSION),
                EntryKind.valueOf(item.get(KIND).s()), item.get(CAUSE).s(), number(item, AMOUNT),
                number(item, BALANCE_AFTER), number(item, OVERDRAFT), Instant.parse(item.get(AT).s()),
                kinds(item.get(UNAFFORDABLE)), item.containsKey(SUSPENDS) && item.get(SUSPENDS).bool(),
                kinds(item.get(REINSTATED)), usage, string(item, PAYMENT_ID), string(item, NOTE),
                string(item, REQUEST_HASH));
    }

    static AttributeValue kinds(Set<UsageKind> kinds) {
        // Ordinal order, so equal sets are stored alike.
        return AttributeValue.fromL(EnumSet.copyOf(kinds.isEmpty() ? EnumSet.noneOf(UsageKind.class) : kinds)
                .stream().map(kind -> s(kind.name())).toList());
    }

    static Set<UsageKind> kinds(AttributeValue value) {
        EnumSet<UsageKind> kinds = EnumSet.noneOf(UsageKind.class);
        if (value != null && value.hasL()) {
            value.l().forEach(kind -> kinds.add(UsageKind.valueOf(kind.s())));
        }
        return kinds;
    }

    static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? 0 : Long.parseLong(value.n());
    }

    private static String string(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
