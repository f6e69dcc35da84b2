package net.secureconnect.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

/**
 * Jackson reads and writes the records by reflection, which a native image only allows for
 * registered classes. The jar registers them itself, so no service has to remember to.
 */
class NativeImageConfigTest {

    private static final String CONFIG = "/META-INF/native-image/net.secureconnect/contracts/reflect-config.json";

    @Test
    void everyClassJacksonTouchesIsRegistered() throws Exception {
        Set<String> registered = new HashSet<>();
        try (InputStream in = getClass().getResourceAsStream(CONFIG)) {
            assertNotNull(in, CONFIG);
            for (JsonNode entry : new ObjectMapper().readTree(in)) {
                registered.add(entry.get("name").textValue());
                assertEquals(true, entry.get("allDeclaredConstructors").booleanValue());
                assertEquals(true, entry.get("allDeclaredMethods").booleanValue());
                assertEquals(true, entry.get("allDeclaredFields").booleanValue());
            }
        }
        assertEquals(reachableContractClasses(), registered);
    }

    /** The event records and every record or enum of this package their components reach. */
    private static Set<String> reachableContractClasses() {
        Set<String> found = new HashSet<>();
        Deque<Class<?>> pending = new ArrayDeque<>();
        for (EventType type : EventType.values()) {
            pending.add(type.javaType());
        }
        while (!pending.isEmpty()) {
            Class<?> type = pending.pop();
            if (!type.getPackageName().equals(Event.class.getPackageName()) || !found.add(type.getName()) || !type.isRecord()) {
                continue;
            }
            for (RecordComponent component : type.getRecordComponents()) {
                pending.add(component.getType());
                Type generic = component.getGenericType();
                if (generic instanceof ParameterizedType parameterized) {
                    for (Type argument : parameterized.getActualTypeArguments()) {
                        if (argument instanceof Class<?> c) {
                            pending.add(c);
                        }
                    }
                }
            }
        }
        return found;
    }
}
