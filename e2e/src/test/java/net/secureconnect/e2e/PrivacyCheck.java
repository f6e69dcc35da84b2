package net.secureconnect.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * "The server only sees ciphertext", checked where a leak would stay: every item of every DynamoDB table
 * of the stack (binary attributes decoded), every record of every Kafka topic read from the beginning
 * (keys, values, headers), every file of the object store (s3proxy's filesystem backend: objects and their
 * metadata) and every service log in {@code .local-stack/logs}.
 */
final class PrivacyCheck {

    private PrivacyCheck() {
    }

    static void assertNowhere(String marker) {
        List<String> found = find(marker);
        assertEquals(List.of(), found, "the marker leaked");
    }

    /** Where {@code needle} occurs: "DynamoDB table …", "Kafka topic-partition@offset", "log file". */
    static List<String> find(String needle) {
        List<String> found = new ArrayList<>();
        int tables = scanDynamoDb(needle, found);
        int topics = scanKafka(needle, found);
        int logs = scanLogs(needle, found);
        int objects = scanObjectStore(needle, found);
        System.out.printf("[PrivacyCheck] searched %d tables, %d topics, %d log files, %d object-store files: %d hits%n",
                tables, topics, logs, objects, found.size());
        assertTrue(tables > 0 && topics > 0 && logs > 0, "something was searched");
        return found;
    }

    // ---- DynamoDB (dynoxide): ListTables + Scan through the JSON API ----

    private static int scanDynamoDb(String marker, List<String> found) {
        List<String> tables = new ArrayList<>();
        String start = null;
        do {
            ObjectNode request = Http.JSON.createObjectNode();
            if (start != null) {
                request.put("ExclusiveStartTableName", start);
            }
            JsonNode page = dynamo("ListTables", request);
            page.path("TableNames").forEach(t -> tables.add(t.asText()));
            start = page.hasNonNull("LastEvaluatedTableName") ? page.get("LastEvaluatedTableName").asText() : null;
        } while (start != null);
        for (String table : tables) {
            JsonNode startKey = null;
            do {
                ObjectNode request = Http.JSON.createObjectNode().put("TableName", table);
                if (startKey != null) {
                    request.set("ExclusiveStartKey", startKey);
                }
                JsonNode page = dynamo("Scan", request);
                for (JsonNode item : page.path("Items")) {
                    if (contains(item, marker)) {
                        found.add("DynamoDB table " + table + ": " + item.toString().substring(0, Math.min(200, item.toString().length())));
                    }
                }
                startKey = page.hasNonNull("LastEvaluatedKey") ? page.get("LastEvaluatedKey") : null;
            } while (startKey != null);
        }
        return tables.size();
    }

    /** Text anywhere in the item, or inside a binary (B / BS) attribute once decoded. */
    private static boolean contains(JsonNode node, String marker) {
        if (node.isTextual()) {
            return node.asText().contains(marker);
        }
        for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
            if ((field.getKey().equals("B") && field.getValue().isTextual() && decodedContains(field.getValue().asText(), marker))
                    || (field.getKey().equals("BS") && stream(field.getValue()).anyMatch(b -> decodedContains(b.asText(), marker)))
                    || contains(field.getValue(), marker)) {
                return true;
            }
        }
        for (JsonNode element : node.isArray() ? node : Http.JSON.createArrayNode()) {
            if (contains(element, marker)) {
                return true;
            }
        }
        return false;
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list.stream();
    }

    private static boolean decodedContains(String base64, String marker) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.ISO_8859_1).contains(marker);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    private static JsonNode dynamo(String operation, JsonNode body) {
        String amzDate = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        HttpResponse<String> response = Http.postJson(E2eConfig.dynamodbUrl(), Map.of(
                "Content-Type", "application/x-amz-json-1.0",
                "X-Amz-Target", "DynamoDB_20120810." + operation,
                "X-Amz-Date", amzDate,
                // dynoxide wants a well-formed SigV4 header but does not verify the signature.
                "Authorization", "AWS4-HMAC-SHA256 Credential=local/" + amzDate.substring(0, 8)
                        + "/eu-central-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date, Signature=0"), body.toString());
        assertEquals(200, response.statusCode(), operation + ": " + response.body());
        return Http.json(response);
    }

    // ---- Kafka: every topic from the beginning to its current end ----

    private static int scanKafka(String marker, List<String> found) {
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        List<String> topics;
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, E2eConfig.kafkaBootstrap());
        try (Admin admin = Admin.create(adminProps)) {
            topics = new ArrayList<>(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get());
        } catch (Exception e) {
            throw new AssertionError("listing Kafka topics", e);
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, E2eConfig.kafkaBootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-privacy-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), Duration.ofSeconds(30)) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read every topic to its end");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    boolean hit = indexOf(record.key(), needle) || indexOf(record.value(), needle);
                    for (var header : record.headers()) {
                        hit |= indexOf(header.value(), needle);
                    }
                    if (hit) {
                        found.add("Kafka " + record.topic() + "-" + record.partition() + "@" + record.offset());
                    }
                }
            }
        }
        return topics.size();
    }

    private static boolean indexOf(byte[] haystack, byte[] needle) {
        if (haystack == null || haystack.length < needle.length) {
            return false;
        }
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    // ---- S3 (s3proxy's filesystem backend: every object, and its metadata, is a file under data/) ----

    private static int scanObjectStore(String marker, List<String> found) {
        Path data = stackDir().resolve("s3proxy").resolve("data");
        if (!Files.isDirectory(data)) {
            return 0;
        }
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        int count = 0;
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                count++;
                if (indexOf(Files.readAllBytes(file), needle)) {
                    found.add("object " + data.relativize(file));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("reading " + data, e);
        }
        return count;
    }

    private static Path stackDir() {
        return Path.of(E2eConfig.prop("stack-dir", Path.of(System.getProperty("user.dir")).resolve("../.local-stack").toString()));
    }

    // ---- service logs ----

    private static int scanLogs(String marker, List<String> found) {
        Path logs = stackDir().resolve("logs");
        byte[] needle = marker.getBytes(StandardCharsets.UTF_8);
        int count = 0;
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                count++;
                if (indexOf(Files.readAllBytes(file), needle)) {
                    found.add("log " + file.getFileName());
                }
            }
        } catch (IOException e) {
            throw new AssertionError("reading " + logs, e);
        }
        return count;
    }
}
