package net.secureconnect.testsupport;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.testcontainers.DockerClientFactory;

/**
 * A real Kafka broker for tests: a KRaft broker+controller inside the test JVM (Kafka's own
 * KafkaClusterTestKit), or a Testcontainers broker when a Docker engine is found at run time.
 * Set {@code -Dsecureconnect-test.kafka=embedded|docker} to force one.
 */
public final class KafkaBroker {

    static final String KEY = "secureconnect-test.kafka.bootstrap";
    static final String IMAGE = "apache/kafka:4.1.2";

    private KafkaBroker() {
    }

    /** Bootstrap servers of the JVM's shared broker, started on first use. */
    public static String bootstrapServers() {
        return SharedServers.getOrStart(KEY, KafkaBroker::start);
    }

    private static String start() {
        String mode = System.getProperty("secureconnect-test.kafka", "auto");
        boolean docker = switch (mode) {
            case "docker" -> true;
            case "embedded" -> false;
            default -> dockerAvailable();
        };
        return docker ? startContainer() : startEmbedded();
    }

    private static boolean dockerAvailable() {
        // Cheap look first: without a socket or DOCKER_HOST, Testcontainers would only log errors.
        boolean hint = System.getenv("DOCKER_HOST") != null
                || java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"));
        if (!hint) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String startEmbedded() {
        // A broker that loses its log dirs halts the JVM (exit code 1). At JVM shutdown the shutdown hooks run
        // concurrently, so the test kit's temp dirs can go before the broker is closed, and a run whose tests
        // all passed would end as a failed fork. In tests, a halt or exit request is logged instead.
        Exit.setHaltProcedure((status, message) -> System.err.println(
                "[test-support] the in-JVM Kafka broker asked to halt the JVM (" + status + "): " + message));
        Exit.setExitProcedure((status, message) -> System.err.println(
                "[test-support] the in-JVM Kafka broker asked to exit the JVM (" + status + "): " + message));
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                    // Consumers in tests join at once instead of waiting 3 s for more members.
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    // One partition for group offsets: 50 take seconds to create on a 2-core machine.
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    // One broker: internal topics with the default 3 replicas are never created, and
                    // consumer groups and transactions wait for them forever.
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    cluster.close();
                } catch (Exception ignored) {
                    // the JVM is ending; its temp folders go with it
                }
            }, "stop-kafka"));
            return cluster.bootstrapServers();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the in-JVM Kafka broker: " + e.getMessage(), e);
        }
    }

    private static String startContainer() {
        var container = new org.testcontainers.kafka.KafkaContainer(IMAGE);
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "stop-kafka-container"));
        return container.getBootstrapServers();
    }
}
