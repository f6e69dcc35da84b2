package net.secureconnect.testsupport;

import net.secureconnect.contracts.Event;
import net.secureconnect.contracts.EventIds;
import net.secureconnect.contracts.EventType;
import net.secureconnect.contracts.Topic;
import net.secureconnect.contracts.UsageEvent;
import net.secureconnect.contracts.UsageKind;
import net.secureconnect.contracts.UsageMode;
import net.secureconnect.contracts.json.RecordRejectedException;
import net.secureconnect.contracts.json.RejectionReason;
import net.secureconnect.contracts.kafka.EventDeserializer;
import net.secureconnect.contracts.kafka.EventSerializer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test servers are the real thing: a broker that stores and serves records, a DynamoDB API with
 * transactions, an S3 gateway that checks signatures; and no child process outlives its owner. */
class RealInfrastructureTest {

    private static final Region REGION = Region.EU_CENTRAL_1;

    @Test
    void kafkaCarriesEventsThroughTheSharedCodecAndRejectsPoison() throws Exception {
        String topic = Topic.USAGE_EVENTS.topicName();
        String bootstrap = KafkaBroker.bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
        }
        UsageEvent sent = new UsageEvent(EventIds.forCause(EventType.USAGE_EVENT, "envelope-1"),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), "account-1", UsageKind.MESSAGE, 1,
                UsageMode.CAPTURE, "envelope-1", "test");
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new EventSerializer())) {
            producer.send(new ProducerRecord<>(topic, sent.accountId(), sent)).get(10, TimeUnit.SECONDS);
        }
        try (var raw = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(topic, "account-1", "{not json".getBytes())).get(10, TimeUnit.SECONDS);
        }
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new EventDeserializer())) {
            // Assigned, not subscribed: no consumer-group round trips in a test of the codec.
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            ConsumerRecord<String, Event> received = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (received == null && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    received = record;
                }
            }
            assertTrue(received != null, "the event came back from the broker");
            assertEquals(sent, received.value());
            assertEquals("account-1", received.key());

            RecordDeserializationException poison = assertThrows(RecordDeserializationException.class, () -> {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < until) {
                    consumer.poll(Duration.ofMillis(200));
                }
            });
            RecordRejectedException rejected = assertInstanceOf(RecordRejectedException.class, poison.getCause());
            assertEquals(RejectionReason.MALFORMED_JSON, rejected.reason());
        }
    }

    @Test
    void dynoxideEnforcesConditionsInsideTransactions() {
        try (DynamoDbClient dynamo = DynamoDbClient.builder()
                .endpointOverride(URI.create(Dynoxide.endpoint())).region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t")))
                .httpClient(UrlConnectionHttpClient.create()).build()) {
            String table = "probe-" + UUID.randomUUID();
            dynamo.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                            .attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build()));
            TransactWriteItem insertOnce = TransactWriteItem.builder().put(p -> p.tableName(table)
                    .item(Map.of("id", AttributeValue.fromS("event-1")))
                    .conditionExpression("attribute_not_exists(id)")).build();
            dynamo.transactWriteItems(b -> b.transactItems(insertOnce));
            assertThrows(TransactionCanceledException.class,
                    () -> dynamo.transactWriteItems(b -> b.transactItems(insertOnce)));
            assertEquals(1, dynamo.scan(b -> b.tableName(table)).count());
        }
    }

    @Test
    void s3proxyHonoursPresignedUrlsAndRejectsExpiredOrForgedOnes() throws Exception {
        var credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3Proxy.ACCESS_KEY, S3Proxy.SECRET_KEY));
        URI endpoint = URI.create(S3Proxy.endpoint());
        S3Configuration pathStyle = S3Configuration.builder().pathStyleAccessEnabled(true).build();
        try (S3Client s3 = S3Client.builder().endpointOverride(endpoint).region(Region.of(S3Proxy.REGION)).credentialsProvider(credentials)
                .serviceConfiguration(pathStyle).httpClient(UrlConnectionHttpClient.create()).build();
             S3Presigner presigner = S3Presigner.builder().endpointOverride(endpoint).region(Region.of(S3Proxy.REGION))
                     .credentialsProvider(credentials).serviceConfiguration(pathStyle).build()) {
            s3.createBucket(b -> b.bucket("probe"));
            s3.putObject(b -> b.bucket("probe").key("blob"), RequestBody.fromString("ciphertext"));
            HttpClient http = HttpClient.newHttpClient();

            URI valid = presigner.presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(1))
                    .getObjectRequest(g -> g.bucket("probe").key("blob"))).url().toURI();
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(valid).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals("ciphertext", ok.body());

            URI shortLived = presigner.presignGetObject(b -> b.signatureDuration(Duration.ofSeconds(1))
                    .getObjectRequest(g -> g.bucket("probe").key("blob"))).url().toURI();
            Thread.sleep(2_500);
            assertEquals(403, http.send(HttpRequest.newBuilder(shortLived).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());

            URI forged = URI.create(valid.toString().replaceAll("X-Amz-Signature=[0-9a-f]{4}", "X-Amz-Signature=0000"));
            assertFalse(forged.equals(valid));
            assertEquals(403, http.send(HttpRequest.newBuilder(forged).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }

    @Test
    void childrenOfADeadOwnerAreReaped() throws IOException, InterruptedException {
        Process orphan = new ProcessBuilder("sleep", "300").start();
        Process deadOwner = new ProcessBuilder("true").start();
        deadOwner.waitFor();
        Path pidFile = ChildProcesses.pidDir().resolve("orphan-" + orphan.pid() + ".pid");
        Files.createDirectories(pidFile.getParent());
        Files.writeString(pidFile, orphan.pid() + " " + deadOwner.pid());

        ChildProcesses.reapOrphans();

        assertTrue(orphan.waitFor(10, TimeUnit.SECONDS), "the orphan was stopped");
        assertFalse(Files.exists(pidFile));
    }
}
