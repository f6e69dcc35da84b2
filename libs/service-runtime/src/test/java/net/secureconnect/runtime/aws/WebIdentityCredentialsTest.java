package net.secureconnect.runtime.aws;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workload identity (IRSA) as the production overlay runs it: {@code AWS_CREDENTIALS_TYPE=default} makes the clients
 * use the SDK's default chain, which in a pod finds the projected token file and role (AWS_WEB_IDENTITY_TOKEN_FILE,
 * AWS_ROLE_ARN; here the equivalent system properties) and exchanges the token with STS — possible only when the
 * STS module is on the class path (without it the chain skips web identity and resolution fails). STS itself is a
 * loopback HTTP server answering AssumeRoleWithWebIdentity as documented (no AWS from this machine); what is tested
 * is that the SDK as this library packages it builds the provider, sends the token and uses the answer.
 */
class WebIdentityCredentialsTest {

    private static final String ROLE = "arn:aws:iam::123456789012:role/secureconnect-wallet-service";
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJl";

    @Test
    void theDefaultChainExchangesTheProjectedTokenWithSts(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, TOKEN);
        List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
        HttpServer sts = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        sts.createContext("/", exchange -> {
            requests.add(form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] body = ("""
                    <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                      <AssumeRoleWithWebIdentityResult>
                        <Credentials>
                          <AccessKeyId>ASIAWEBIDENTITYTEST</AccessKeyId>
                          <SecretAccessKey>session-secret</SecretAccessKey>
                          <SessionToken>session-token</SessionToken>
                          <Expiration>2099-01-01T00:00:00Z</Expiration>
                        </Credentials>
                        <AssumedRoleUser>
                          <Arn>arn:aws:sts::123456789012:assumed-role/secureconnect-wallet-service/test</Arn>
                          <AssumedRoleId>AROATEST:test</AssumedRoleId>
                        </AssumedRoleUser>
                      </AssumeRoleWithWebIdentityResult>
                      <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
                    </AssumeRoleWithWebIdentityResponse>
                    """).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        sts.start();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("aws.webIdentityTokenFile", token.toString());
        properties.put("aws.roleArn", ROLE);
        properties.put("aws.roleSessionName", "test");
        properties.put("aws.region", "eu-central-1");
        properties.put("aws.endpointUrlSts", "http://127.0.0.1:" + sts.getAddress().getPort());
        properties.put("aws.disableEc2Metadata", "true"); // never the link-local metadata address from a test
        Map<String, String> before = new LinkedHashMap<>();
        properties.forEach((k, v) -> before.put(k, System.setProperty(k, v)));
        try (WebIdentityTokenFileCredentialsProvider webIdentity = WebIdentityTokenFileCredentialsProvider.create();
             DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build()) {
            AwsCredentials direct = webIdentity.resolveCredentials();
            assertInstanceOf(AwsSessionCredentials.class, direct);
            assertEquals("ASIAWEBIDENTITYTEST", direct.accessKeyId());
            assertEquals("session-token", ((AwsSessionCredentials) direct).sessionToken());

            // What AWS_CREDENTIALS_TYPE=default resolves to (no static keys in the environment of this test).
            assertTrue(System.getenv("AWS_ACCESS_KEY_ID") == null, "the test needs an environment without static AWS keys");
            assertEquals("ASIAWEBIDENTITYTEST", chain.resolveCredentials().accessKeyId());

            Map<String, String> call = requests.get(0);
            assertEquals("AssumeRoleWithWebIdentity", call.get("Action"));
            assertEquals(ROLE, call.get("RoleArn"));
            assertEquals(TOKEN, call.get("WebIdentityToken"));
        } finally {
            before.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
            sts.stop(0);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return fields;
    }
}
