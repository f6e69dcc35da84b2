package net.secureconnect.testsupport;

import java.util.Properties;
import java.util.function.Supplier;

/**
 * One server of each kind per test JVM, shared by every test class and every Quarkus restart.
 * The address is kept in a system property because Quarkus loads test resources in more than one
 * class loader, and a static field would start a second broker.
 */
final class SharedServers {

    private SharedServers() {
    }

    static String getOrStart(String key, Supplier<String> start) {
        Properties registry = System.getProperties();
        synchronized (registry) { // the same object whichever class loader asks
            String address = registry.getProperty(key);
            if (address == null) {
                address = start.get();
                registry.setProperty(key, address);
            }
            return address;
        }
    }
}
