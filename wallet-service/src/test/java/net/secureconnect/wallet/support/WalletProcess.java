package net.secureconnect.wallet.support;

import net.secureconnect.testsupport.ServiceProcess;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The packaged wallet-service ({@code target/quarkus-app/quarkus-run.jar}) as a child process against the test
 * JVM's Kafka broker and dynoxide, so a test can kill it like a crash would ({@code kill -9}) and start it again.
 * A {@link ServiceProcess} with the wallet's consumer-group settings.
 */
public final class WalletProcess {

    private final ServiceProcess service;

    private WalletProcess(ServiceProcess service) {
        this.service = service;
    }

    /**
     * Starts the service with the shared test settings plus {@code extra} ({@code key=value} system properties)
     * and waits until it reports ready.
     */
    public static synchronized WalletProcess start(Map<String, String> extra) {
        KafkaConsumerGroups.enable();
        Map<String, String> settings = new TreeMap<>();
        // A restarted instance takes its partitions over at once instead of waiting for the dead one's session to end.
        settings.put("kafka.group.instance.id", "wallet-it");
        settings.put("kafka.session.timeout.ms", "10000");
        settings.putAll(extra);
        Path app = Path.of(System.getProperty("wallet.it.app", "target/quarkus-app/quarkus-run.jar"));
        return new WalletProcess(ServiceProcess.start("wallet", app, settings, List.of("-Xmx512m")));
    }

    public String url(String path) {
        return service.url(path);
    }

    /** Health, metrics and OpenAPI: the management interface's port, not the public one. */
    public String managementUrl(String path) {
        return service.managementUrl(path);
    }

    public boolean alive() {
        return service.alive();
    }

    public Path log() {
        return service.log();
    }

    /** SIGKILL: no shutdown hook, no consumer close, no producer flush — what a crash leaves behind. */
    public void kill() {
        service.kill();
    }

    /** SIGTERM: Quarkus shuts down, the consumer leaves its group. */
    public void stop() {
        service.stop();
    }
}
