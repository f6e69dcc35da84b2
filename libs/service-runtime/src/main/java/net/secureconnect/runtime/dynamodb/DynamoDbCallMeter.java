package net.secureconnect.runtime.dynamodb;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import net.secureconnect.runtime.config.PlatformConfig;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Times every call of the service's DynamoDB client: Micrometer timer {@value #METER} (Prometheus
 * {@code secureconnect_dynamodb_calls_seconds_bucket|count|sum}) with a percentile histogram, tagged
 *
 * <ul>
 *   <li>{@code operation}: the API operation (GetItem, PutItem, TransactWriteItems, Query, DescribeTable, …);</li>
 *   <li>{@code table}: the LOGICAL table name (the configured prefix removed) when it is one of this service's
 *       {@link TableCatalog} tables, {@code multiple} for a batch or transaction over several of them, {@code none}
 *       for calls without a table (ListTables, PartiQL), {@code other} for anything else — never the physical name
 *       or an ARN (an account id), never a key or an attribute value;</li>
 *   <li>{@code outcome}: {@code ok}, {@code conditional-failed} (ConditionalCheckFailed, also as a cancellation
 *       reason of a transaction), {@code throttled} (the SDK's retries exhausted on a throttling error) or
 *       {@code error} (anything else, a transaction conflict included).</li>
 * </ul>
 *
 * <p>So the series per service are bounded by operations × its tables × 4. One sample per API call as the
 * application sees it: the SDK's retries are inside the measured time. Registered with the Quarkus DynamoDB client
 * by {@code quarkus.dynamodb.interceptors} (META-INF/microprofile-config.properties); the extension takes this bean
 * from CDI. Tests: DynamoDbCallMeterTest (dynoxide), ServiceFoundationTests (each service's /q/metrics).
 */
@ApplicationScoped
@Unremovable
public class DynamoDbCallMeter implements ExecutionInterceptor {

    public static final String METER = "secureconnect.dynamodb.calls";
    public static final String OK = "ok";
    public static final String CONDITIONAL_FAILED = "conditional-failed";
    public static final String THROTTLED = "throttled";
    public static final String ERROR = "error";

    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("secureconnect.dynamodb.started");
    private static final Set<String> THROTTLING_REASONS = Set.of("ThrottlingError", "ProvisionedThroughputExceeded",
            "RequestLimitExceeded");

    private final MeterRegistry registry;
    private final String prefix;
    /** Resolved on the first call: catalogs may be beans that need the DynamoDB client this meter is part of. */
    private final Supplier<Set<String>> catalogTables;
    private volatile Set<String> logicalTables;

    @Inject
    public DynamoDbCallMeter(MeterRegistry registry, PlatformConfig config, Instance<TableCatalog> catalogs) {
        this(registry, config.dynamodb().tablePrefix(), () -> {
            Set<String> names = new HashSet<>();
            catalogs.forEach(catalog -> catalog.tables().forEach(spec -> names.add(spec.name())));
            return names;
        });
    }

    public DynamoDbCallMeter(MeterRegistry registry, String prefix, Supplier<Set<String>> logicalTables) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        this.catalogTables = Objects.requireNonNull(logicalTables, "logicalTables");
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        record(context.request(), attributes, OK);
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        record(context.request(), attributes, outcome(context.exception()));
    }

    private void record(SdkRequest request, ExecutionAttributes attributes, String outcome) {
        Long started = attributes.getAttribute(STARTED);
        if (started == null) {
            return; // failed before the execution began (an invalid request built by the SDK itself)
        }
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Timer.builder(METER)
                .description("DynamoDB API calls as the service sees them, SDK retries included")
                .tag("operation", operation == null ? "unknown" : operation)
                .tag("table", table(request))
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry)
                .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** ok / conditional-failed / throttled / error for the exception a call ended with. */
    static String outcome(Throwable failure) {
        if (failure instanceof ConditionalCheckFailedException) {
            return CONDITIONAL_FAILED;
        }
        if (failure instanceof TransactionCanceledException cancelled && cancelled.hasCancellationReasons()) {
            List<String> codes = cancelled.cancellationReasons().stream().map(CancellationReason::code)
                    .filter(Objects::nonNull).toList();
            if (codes.contains("ConditionalCheckFailed")) {
                return CONDITIONAL_FAILED;
            }
            if (codes.stream().anyMatch(THROTTLING_REASONS::contains)) {
                return THROTTLED;
            }
            return ERROR;
        }
        if (failure instanceof ProvisionedThroughputExceededException || failure instanceof RequestLimitExceededException
                || (failure instanceof AwsServiceException service && service.isThrottlingException())) {
            return THROTTLED;
        }
        return ERROR;
    }

    /** The logical table of a request, with bounded values only (see the class comment). */
    String table(SdkRequest request) {
        Collection<String> physical = switch (request) {
            case TransactWriteItemsRequest r -> r.transactItems().stream().map(DynamoDbCallMeter::tableOf).toList();
            case TransactGetItemsRequest r -> r.transactItems().stream().map(item -> item.get().tableName()).toList();
            case BatchWriteItemRequest r -> r.requestItems().keySet();
            case BatchGetItemRequest r -> r.requestItems().keySet();
            default -> request.getValueForField("TableName", String.class).stream().toList();
        };
        Set<String> logical = new TreeSet<>();
        for (String name : physical) {
            logical.add(logical(name));
        }
        if (logical.isEmpty()) {
            return "none";
        }
        return logical.size() == 1 ? logical.iterator().next() : "multiple";
    }

    private String logical(String physical) {
        if (physical == null || !physical.startsWith(prefix)) {
            return "other";
        }
        Set<String> known = logicalTables;
        if (known == null) {
            known = Set.copyOf(catalogTables.get());
            logicalTables = known;
        }
        String name = physical.substring(prefix.length());
        return known.contains(name) ? name : "other";
    }

    private static String tableOf(TransactWriteItem item) {
        return Stream.of(item.put() == null ? null : item.put().tableName(),
                        item.update() == null ? null : item.update().tableName(),
                        item.delete() == null ? null : item.delete().tableName(),
                        item.conditionCheck() == null ? null : item.conditionCheck().tableName())
                .filter(Objects::nonNull).findFirst().orElse(null);
    }
}
