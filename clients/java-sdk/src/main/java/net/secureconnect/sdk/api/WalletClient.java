package net.secureconnect.sdk.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** wallet-service's API for the caller's own wallet: balance and ledger. */
public final class WalletClient {

    private final HttpJson http;

    /** @param base e.g. {@code http://127.0.0.1:8083/} */
    public WalletClient(HttpClient http, URI base, Supplier<String> accessToken) {
        this.http = new HttpJson(http, base, accessToken);
    }

    public record Balance(long balance, long version, String status, JsonNode raw) {
    }

    public record LedgerPage(List<JsonNode> entries, Long nextBefore) {
    }

    /** {@code GET /wallet}. */
    public Balance balance() {
        JsonNode node = http.get("wallet");
        return new Balance(node.path("balance").asLong(), node.path("version").asLong(), node.path("status").asText(null), node);
    }

    /** {@code GET /pricing} (public): credits per kind of use in force, e.g. {@code MESSAGE → 1}, in the wallet's order. */
    public java.util.Map<String, Long> pricing() {
        java.util.Map<String, Long> prices = new java.util.LinkedHashMap<>();
        http.get("pricing").path("prices").fields().forEachRemaining(e -> prices.put(e.getKey(), e.getValue().asLong()));
        return prices;
    }

    /** {@code GET /wallet/ledger?limit=&before=}, newest first; {@code before} null for the first page. */
    public LedgerPage ledger(int limit, Long before) {
        JsonNode node = http.get("wallet/ledger?limit=" + limit + (before == null ? "" : "&before=" + before));
        List<JsonNode> entries = new ArrayList<>();
        node.path("entries").forEach(entries::add);
        return new LedgerPage(entries, node.hasNonNull("nextBefore") ? node.get("nextBefore").asLong() : null);
    }
}
