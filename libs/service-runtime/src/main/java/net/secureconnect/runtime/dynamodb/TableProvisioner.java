package net.secureconnect.runtime.dynamodb;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import net.secureconnect.runtime.config.BackgroundProvisioning;
import net.secureconnect.runtime.config.PlatformConfig;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates the service's tables when missing — the same code in production, the local stack and tests.
 * Existing tables are left as they are (no destructive migration here).
 */
@ApplicationScoped
public class TableProvisioner {

    private final DynamoDbClient dynamo;
    private final TableNames names;
    private final Instance<TableCatalog> catalogs;
    private final PlatformConfig config;
    private BackgroundProvisioning provisioning;

    public TableProvisioner(DynamoDbClient dynamo, TableNames names, Instance<TableCatalog> catalogs,
                            PlatformConfig config) {
        this.dynamo = dynamo;
        this.names = names;
        this.catalogs = catalogs;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        provisioning = new BackgroundProvisioning("dynamodb-tables", this::ensureAll,
                config.provisioningRetryInterval());
        provisioning.start(config.dynamodb().createTables());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (provisioning != null) {
            provisioning.stop();
        }
    }

    /** Every table of every catalog in this service. */
    public List<TableSpec> tables() {
        List<TableSpec> all = new ArrayList<>();
        catalogs.forEach(catalog -> all.addAll(catalog.tables()));
        return all;
    }

    public BackgroundProvisioning.State state() {
        return provisioning == null ? BackgroundProvisioning.State.PENDING : provisioning.state();
    }

    public String lastError() {
        return provisioning == null ? "not started" : provisioning.lastError();
    }

    void ensureAll() {
        tables().forEach(this::ensure);
    }

    void ensure(TableSpec spec) {
        String table = names.physical(spec);
        try {
            TableDescription existing = dynamo.describeTable(b -> b.tableName(table)).table();
            keyMismatch(spec, existing).ifPresent(problem -> {
                // Another service (or an older version) owns a table of this name: using it would fail
                // on every query, so refuse to become ready instead.
                throw new IllegalStateException("table " + table + " " + problem);
            });
            return;
        } catch (ResourceNotFoundException missing) {
            // fall through and create it
        }
        try {
            dynamo.createTable(createRequest(table, spec));
        } catch (ResourceInUseException createdConcurrently) {
            // another instance won the race; the table is there, which is all we need
        }
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(table));
        spec.ttlAttribute().ifPresent(attribute -> dynamo.updateTimeToLive(b -> b.tableName(table)
                .timeToLiveSpecification(TimeToLiveSpecification.builder()
                        .attributeName(attribute).enabled(true).build())));
    }

    /** How an existing table's primary key differs from the spec, if it does. */
    public static Optional<String> keyMismatch(TableSpec spec, TableDescription existing) {
        List<String> expected = new ArrayList<>();
        keySchema(spec.partitionKey(), spec.sortKey())
                .forEach(k -> expected.add(k.attributeName() + " " + k.keyTypeAsString()));
        List<String> actual = new ArrayList<>();
        existing.keySchema().forEach(k -> actual.add(k.attributeName() + " " + k.keyTypeAsString()));
        return expected.equals(actual) ? Optional.empty()
                : Optional.of("has key " + actual + " but this service needs " + expected);
    }

    static CreateTableRequest createRequest(String table, TableSpec spec) {
        Map<String, AttributeDefinition> attributes = new LinkedHashMap<>();
        define(attributes, spec.partitionKey());
        spec.sortKey().ifPresent(key -> define(attributes, key));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        for (TableSpec.Index index : spec.indexes()) {
            define(attributes, index.partitionKey());
            index.sortKey().ifPresent(key -> define(attributes, key));
            indexes.add(GlobalSecondaryIndex.builder()
                    .indexName(index.name())
                    .keySchema(keySchema(index.partitionKey(), index.sortKey()))
                    .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
                    .build());
        }
        CreateTableRequest.Builder request = CreateTableRequest.builder()
                .tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attributes.values())
                .keySchema(keySchema(spec.partitionKey(), spec.sortKey()));
        if (!indexes.isEmpty()) {
            request.globalSecondaryIndexes(indexes);
        }
        return request.build();
    }

    private static void define(Map<String, AttributeDefinition> attributes, TableSpec.Key key) {
        attributes.putIfAbsent(key.attribute(), AttributeDefinition.builder()
                .attributeName(key.attribute()).attributeType(key.type()).build());
    }

    private static List<KeySchemaElement> keySchema(TableSpec.Key partition, Optional<TableSpec.Key> sort) {
        List<KeySchemaElement> schema = new ArrayList<>();
        schema.add(KeySchemaElement.builder().attributeName(partition.attribute()).keyType(KeyType.HASH).build());
        sort.ifPresent(key -> schema.add(
                KeySchemaElement.builder().attributeName(key.attribute()).keyType(KeyType.RANGE).build()));
        return schema;
    }
}
