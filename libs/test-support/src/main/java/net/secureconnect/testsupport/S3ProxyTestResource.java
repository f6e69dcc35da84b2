package net.secureconnect.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points the service under test at the JVM's s3proxy. */
public class S3ProxyTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "quarkus.s3.endpoint-override", S3Proxy.endpoint(),
                "quarkus.s3.path-style-access", "true",
                "quarkus.s3.aws.region", S3Proxy.REGION,
                "quarkus.s3.aws.credentials.type", "static",
                "quarkus.s3.aws.credentials.static-provider.access-key-id", S3Proxy.ACCESS_KEY,
                "quarkus.s3.aws.credentials.static-provider.secret-access-key", S3Proxy.SECRET_KEY);
    }

    @Override
    public void stop() {
        // shared by every test class of the JVM; stopped by a shutdown hook
    }
}
