package net.secureconnect.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * s3proxy (a real S3 gateway; it checks SigV4 and rejects expired or forged presigned URLs) as a child
 * JVM on a free loopback port, storing objects in memory.
 */
public final class S3Proxy {

    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key";
    /** s3proxy creates buckets only in the default region. */
    public static final String REGION = "us-east-1";
    static final String KEY = "secureconnect-test.s3.endpoint";

    private S3Proxy() {
    }

    /** Endpoint of the JVM's shared s3proxy, started on first use. */
    public static String endpoint() {
        return SharedServers.getOrStart(KEY, S3Proxy::start);
    }

    private static String start() {
        int port = LocalTools.freePort();
        String endpoint = "http://127.0.0.1:" + port;
        Path dir = Dynoxide.logDir();
        Path conf = dir.resolve("s3proxy-" + port + ".conf");
        Path log = dir.resolve("s3proxy-" + port + ".log");
        try {
            Files.writeString(conf, String.join("\n",
                    "s3proxy.endpoint=" + endpoint,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "s3proxy.cors-allow-all=true",
                    "jclouds.provider=transient-nio2",
                    "jclouds.identity=" + ACCESS_KEY,
                    "jclouds.credential=" + SECRET_KEY,
                    "jclouds.filesystem.basedir=" + dir.resolve("s3proxy-data-" + port),
                    ""));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Process process = ChildProcesses.start("s3proxy", List.of(LocalTools.javaExecutable(), "-Xmx256m",
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", LocalTools.s3proxyJar().toString(),
                "--properties", conf.toString()), log);
        LocalTools.awaitPort(port, Duration.ofSeconds(60), process, log);
        return endpoint;
    }
}
