package net.secureconnect.sdk.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.secureconnect.sdk.store.ProfileStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * What a messaging client keeps beside its keys, encrypted in the profile: the decrypted history, the
 * (sender, envelope id) pairs already handled (delivery is at least once), and the device lists of the
 * accounts written to. Not thread-safe: the {@link Messenger} serialises access.
 */
public final class MessageLog {

    /** Handled (sender, id) pairs remembered, oldest forgotten first. */
    public static final int MAX_SEEN = 10_000;

    private final ProfileStore store;
    private final List<StoredMessage> history = new ArrayList<>();
    private final LinkedHashSet<String> seen = new LinkedHashSet<>();
    private final Map<String, List<Integer>> devices = new LinkedHashMap<>();

    public MessageLog(ProfileStore store) {
        this.store = store;
        store.readDocument("history").ifPresent(doc -> doc.path("messages").forEach(m -> history.add(StoredMessage.fromJson(m))));
        store.readDocument("seen").ifPresent(doc -> doc.path("seen").forEach(s -> seen.add(s.asText())));
        store.readDocument("devices").ifPresent(doc -> doc.fields().forEachRemaining(e -> {
            List<Integer> ids = new ArrayList<>();
            e.getValue().forEach(d -> ids.add(d.asInt()));
            devices.put(e.getKey(), ids);
        }));
    }

    public boolean isSeen(String from, String id) {
        return seen.contains(from + " " + id);
    }

    /** Marks (from, id) handled, persisting it. */
    public void markSeen(String from, String id) {
        if (seen.add(from + " " + id)) {
            while (seen.size() > MAX_SEEN) {
                seen.remove(seen.iterator().next());
            }
            ObjectNode doc = JsonNodeFactory.instance.objectNode();
            ArrayNode list = doc.putArray("seen");
            seen.forEach(list::add);
            store.writeDocument("seen", doc);
        }
    }

    /** Appends to the history and persists it; a received message is marked seen too. */
    public void add(StoredMessage message) {
        history.add(message);
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        ArrayNode list = doc.putArray("messages");
        history.forEach(m -> list.add(m.toJson()));
        store.writeDocument("history", doc);
    }

    /** Every message, oldest first; with {@code peer} only that conversation. */
    public List<StoredMessage> history(String peer) {
        return history.stream().filter(m -> peer == null || m.peer().equals(peer)).toList();
    }

    public List<Integer> devices(String accountId) {
        return devices.getOrDefault(accountId, List.of());
    }

    public void devices(String accountId, List<Integer> deviceIds) {
        devices.put(accountId, List.copyOf(deviceIds));
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        devices.forEach((account, ids) -> {
            ArrayNode list = doc.putArray(account);
            ids.forEach(list::add);
        });
        store.writeDocument("devices", doc);
    }
}
