package net.secureconnect.wallet.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import net.secureconnect.testsupport.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Makes consumer groups work on the in-JVM test broker. libs/test-support starts it with Kafka's default
 * {@code offsets.topic.replication.factor=3} on a single broker, so the group coordinator never comes up and
 * every {@code subscribe()} waits forever. Creating {@code __consumer_offsets} with one replica first (what the
 * broker would do with the right setting) fixes that without touching the shared library; the proper fix is
 * {@code offsets.topic.replication.factor=1} in {@code KafkaBroker.startEmbedded}.
 */
public class KafkaConsumerGroups implements QuarkusTestResourceLifecycleManager {

    static final String OFFSETS_TOPIC = "__consumer_offsets";

    /** Idempotent; call before the first consumer of a group polls. */
    public static synchronized void enable() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.bootstrapServers()))) {
            if (admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                    .names().get(30, TimeUnit.SECONDS).contains(OFFSETS_TOPIC)) {
                return;
            }
            admin.createTopics(List.of(new NewTopic(OFFSETS_TOPIC, 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + OFFSETS_TOPIC + ": " + e.getCause(), e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create " + OFFSETS_TOPIC + ": " + e, e);
        }
    }

    @Override
    public Map<String, String> start() {
        enable();
        return Map.of();
    }

    @Override
    public void stop() {
    }
}
