package net.secureconnect.identity;

import io.restassured.RestAssured;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/** Many requests in flight at once against the service under test (java.net.http, asynchronous). */
public final class Concurrently {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();

    private Concurrently() {
    }

    public static URI uri(String path) {
        return URI.create("http://localhost:" + RestAssured.port + path);
    }

    /** Sends all {@code count} requests without waiting in between, then waits for every answer. */
    public static List<HttpResponse<String>> send(int count, IntFunction<HttpRequest> request) {
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            requests.add(request.apply(i));
        }
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (HttpRequest r : requests) {
            inFlight.add(CLIENT.sendAsync(r, HttpResponse.BodyHandlers.ofString()));
        }
        return inFlight.stream().map(CompletableFuture::join).toList();
    }

    public static HttpRequest.Builder request(String user, String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + Api.token(user));
    }
}
