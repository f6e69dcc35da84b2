package net.secureconnect.runtime.kafka;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import net.secureconnect.runtime.config.BackgroundProvisioning;
import net.secureconnect.runtime.config.PlatformConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the topics a service uses when they are missing, with the configured partitions and
 * replication, compaction where the catalogue asks for it, infinite retention for the topics consumers replay
 * from the beginning ({@link TopicSpec#keptForever()}), and {@code min.insync.replicas} so that
 * {@code acks=all} means something on a replicated cluster. An existing topic is left as it is.
 */
@ApplicationScoped
public class TopicProvisioner {

    private final KafkaAdmin kafka;
    private final Instance<TopicCatalog> catalogs;
    private final PlatformConfig config;
    private BackgroundProvisioning provisioning;

    public TopicProvisioner(KafkaAdmin kafka, Instance<TopicCatalog> catalogs, PlatformConfig config) {
        this.kafka = kafka;
        this.catalogs = catalogs;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        provisioning = new BackgroundProvisioning("kafka-topics", this::ensureAll,
                config.provisioningRetryInterval());
        provisioning.start(config.kafka().createTopics());
    }

    void onStop(@Observes ShutdownEvent event) {
        if (provisioning != null) {
            provisioning.stop();
        }
    }

    /** Every topic of every catalog in this service, deduplicated by name. */
    public List<TopicSpec> topics() {
        Map<String, TopicSpec> byName = new LinkedHashMap<>();
        catalogs.forEach(catalog -> catalog.topics().forEach(topic -> byName.putIfAbsent(topic.name(), topic)));
        return new ArrayList<>(byName.values());
    }

    public BackgroundProvisioning.State state() {
        return provisioning == null ? BackgroundProvisioning.State.PENDING : provisioning.state();
    }

    void ensureAll() {
        try {
            Set<String> existing = kafka.admin().listTopics().names()
                    .get(config.kafka().adminTimeout().toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topics().stream()
                    .filter(topic -> !existing.contains(topic.name()))
                    .map(this::newTopic)
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            kafka.admin().createTopics(missing).values().values().forEach(this::awaitCreated);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list or create topics: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    private void awaitCreated(org.apache.kafka.common.KafkaFuture<Void> creation) {
        try {
            creation.get(config.kafka().adminTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic: " + e.getCause().getMessage(), e);
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("topic creation timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    private NewTopic newTopic(TopicSpec topic) {
        short replicas = config.kafka().replicationFactor();
        Map<String, String> topicConfig = new LinkedHashMap<>();
        topicConfig.put(TopicConfig.CLEANUP_POLICY_CONFIG,
                topic.compacted() ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        if (topic.keptForever()) {
            topicConfig.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
        }
        topicConfig.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.max(1, replicas - 1)));
        return new NewTopic(topic.name(), config.kafka().partitions(), replicas).configs(topicConfig);
    }
}
