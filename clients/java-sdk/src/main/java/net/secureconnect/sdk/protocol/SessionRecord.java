package net.secureconnect.sdk.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Everything kept for one peer device: the current session and up to {@link #MAX_PREVIOUS} earlier ones,
 * newest first (as libsignal's session record). Earlier sessions matter when both sides set up a session
 * at the same time: each then replaces its own with the other's, and the first message that decrypts in
 * an earlier session makes that session current again, so the two sides converge.
 */
public final class SessionRecord {

    public static final int MAX_PREVIOUS = 5;

    private SessionState current;
    private final List<SessionState> previous = new ArrayList<>();

    public SessionRecord(SessionState current) {
        this.current = current;
    }

    public SessionState current() {
        return current;
    }

    /** Earlier sessions, newest first. */
    public List<SessionState> previous() {
        return Collections.unmodifiableList(previous);
    }

    /** Current first, then the earlier ones: the order in which decryption tries them. */
    List<SessionState> all() {
        List<SessionState> all = new ArrayList<>(previous.size() + 1);
        all.add(current);
        all.addAll(previous);
        return all;
    }

    /** A new session becomes current; the old current is archived (the oldest archived one is dropped). */
    public void replaceCurrent(SessionState session) {
        previous.add(0, current);
        current = session;
        while (previous.size() > MAX_PREVIOUS) {
            previous.remove(previous.size() - 1);
        }
    }

    /** Forgets the earlier sessions (after a session reset, §5.4: the broken ones are not reused). */
    public void dropPrevious() {
        previous.clear();
    }

    /** Makes {@code session} (current or archived) the current one. */
    void promote(SessionState session) {
        if (session == current) {
            return;
        }
        previous.remove(session);
        replaceCurrent(session);
    }

    Optional<SessionState> withBaseKey(byte[] baseKey) {
        return all().stream().filter(s -> Arrays.equals(s.baseKey, baseKey)).findFirst();
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.set("current", current.toJson());
        var list = node.putArray("previous");
        previous.forEach(s -> list.add(s.toJson()));
        return node;
    }

    public static SessionRecord fromJson(JsonNode node) {
        SessionRecord record = new SessionRecord(SessionState.fromJson(node.path("current")));
        node.path("previous").forEach(s -> record.previous.add(SessionState.fromJson(s)));
        return record;
    }
}
