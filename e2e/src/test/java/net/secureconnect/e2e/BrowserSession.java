package net.secureconnect.e2e;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a person's browser does on server-rendered pages, over plain HTTP: keeps cookies, follows redirects,
 * reads a page's form (its action and hidden fields) and submits it with what the person typed. Used for
 * Keycloak's device-verification and login pages and the payment sandbox's checkout page.
 */
final class BrowserSession {

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new LoopbackIsSecure())
            .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Cookies as a browser keeps them for the stack: Keycloak 26.7.3 marks its login cookies ({@code AUTH_SESSION_ID},
     * {@code KC_RESTART}, {@code KEYCLOAK_IDENTITY}) {@code Secure} even over plain HTTP, and browsers send Secure
     * cookies to {@code http://127.0.0.1} and {@code localhost} because loopback is a secure context. Java's
     * {@link CookieManager} sends them only over https, so without this every step after the first page lost the login
     * ("Restart login cookie not found"). Other hosts keep the strict rule.
     */
    private static final class LoopbackIsSecure extends CookieHandler {
        private final CookieManager cookies = new CookieManager();

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) throws IOException {
            return cookies.get(asBrowserSeesIt(uri), requestHeaders);
        }

        @Override
        public void put(URI uri, Map<String, List<String>> responseHeaders) throws IOException {
            cookies.put(asBrowserSeesIt(uri), responseHeaders);
        }

        private static URI asBrowserSeesIt(URI uri) {
            String host = uri.getHost() == null ? "" : uri.getHost();
            boolean loopback = host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
            if (!"http".equalsIgnoreCase(uri.getScheme()) || !loopback) {
                return uri;
            }
            try {
                return new URI("https", uri.getAuthority(), uri.getPath(), null, null);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException(uri.toString(), e);
            }
        }
    }

    /** A page as the browser shows it: where it ended up (after redirects) and its HTML. */
    record Page(URI uri, int status, String html) {
        boolean hasField(String name) {
            return Pattern.compile("name=\"" + Pattern.quote(name) + "\"").matcher(html).find();
        }

        /** The visible text, roughly (tags removed, whitespace collapsed), for assertion messages and checks. */
        String text() {
            return html.replaceAll("(?s)<script.*?</script>", " ").replaceAll("<[^>]+>", " ").replaceAll("&[a-z#0-9]+;", " ")
                    .replaceAll("\\s+", " ").trim();
        }

        @Override
        public String toString() {
            return uri + " (HTTP " + status + "): " + text();
        }
    }

    Page open(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /**
     * Submits the page's form that contains {@code field} (or the only/first POST form when null), with its hidden
     * fields plus {@code typed}; {@code button} name→value is the submit button pressed (or null).
     */
    Page submit(Page page, String field, Map<String, String> typed) {
        String form = formContaining(page, field);
        Matcher action = Pattern.compile("action=\"([^\"]*)\"").matcher(form);
        if (!action.find()) {
            throw new AssertionError("no form action on " + page);
        }
        URI target = page.uri().resolve(unescape(action.group(1)));
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher hidden = Pattern.compile("<input[^>]*type=\"hidden\"[^>]*>").matcher(form);
        while (hidden.find()) {
            Matcher name = Pattern.compile("name=\"([^\"]*)\"").matcher(hidden.group());
            Matcher value = Pattern.compile("value=\"([^\"]*)\"").matcher(hidden.group());
            if (name.find()) {
                fields.put(unescape(name.group(1)), value.find() ? unescape(value.group(1)) : "");
            }
        }
        fields.putAll(typed);
        String body = fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(target).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Presses the button of the page's form whose action ends with {@code actionSuffix} (a form without fields). */
    Page press(Page page, String actionSuffix) {
        Matcher actions = Pattern.compile("<form[^>]*action=\"([^\"]*)\"").matcher(page.html());
        while (actions.find()) {
            String action = unescape(actions.group(1));
            if (action.endsWith(actionSuffix)) {
                return send(HttpRequest.newBuilder(page.uri().resolve(action)).header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.noBody()));
            }
        }
        throw new AssertionError("no form posting to *" + actionSuffix + " on " + page);
    }

    private static String formContaining(Page page, String field) {
        Matcher forms = Pattern.compile("(?is)<form\\b.*?</form>").matcher(page.html());
        while (forms.find()) {
            String form = forms.group();
            if (field == null || form.contains("name=\"" + field + "\"")) {
                return form;
            }
        }
        throw new AssertionError("no form" + (field == null ? "" : " with field " + field) + " on " + page);
    }

    /**
     * What a browser sends on every navigation. It matters, not only for realism: Keycloak 26.7.3 serves two POST
     * methods on {@code /realms/<realm>/device} (its {@code DeviceEndpoint}): the user-code form
     * ({@code verifyUserCode}, no {@code @Produces}) and the device authorization request ({@code handleDeviceRequest},
     * {@code @Produces(application/json)}). JAX-RS picks between them by the {@code Accept} header: without one (Java's
     * HttpClient sends none, i.e. {@code *}{@code /*}) the JSON method is the more specific match, so the typed code
     * was answered like a client's device request without {@code client_id}: {@code invalid_client},
     * event {@code client_not_found}. A browser asks for {@code text/html} first and gets the form's method.
     */
    static final String BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    private Page send(HttpRequest.Builder request) {
        request.header("Accept", BROWSER_ACCEPT).header("Accept-Language", "en");
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Page(response.uri(), response.statusCode(), response.body());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String unescape(String html) {
        return html.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
