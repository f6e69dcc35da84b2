package net.secureconnect.runtime.health;

import jakarta.enterprise.context.ApplicationScoped;
import net.secureconnect.runtime.dynamodb.TableNames;
import net.secureconnect.runtime.dynamodb.TableProvisioner;
import net.secureconnect.runtime.dynamodb.TableSpec;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** Ready when DynamoDB answers and every table of this service exists and is ACTIVE. */
@Readiness
@ApplicationScoped
public class DynamoDbReadinessCheck implements HealthCheck {

    private final DynamoDbClient dynamo;
    private final TableNames names;
    private final TableProvisioner tables;

    public DynamoDbReadinessCheck(DynamoDbClient dynamo, TableNames names, TableProvisioner tables) {
        this.dynamo = dynamo;
        this.names = names;
        this.tables = tables;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("dynamodb").up();
        try {
            for (TableSpec spec : tables.tables()) {
                String table = names.physical(spec);
                TableDescription description = dynamo.describeTable(b -> b.tableName(table)).table();
                TableStatus status = description.tableStatus();
                response.withData(table, status.toString());
                if (status != TableStatus.ACTIVE) {
                    response.down();
                }
                TableProvisioner.keyMismatch(spec, description).ifPresent(problem -> {
                    response.down().withData(table, problem);
                });
            }
        } catch (RuntimeException e) {
            response.down().withData("error", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .withData("provisioning", tables.state().toString() + " (" + tables.lastError() + ")");
        }
        return response.build();
    }
}
