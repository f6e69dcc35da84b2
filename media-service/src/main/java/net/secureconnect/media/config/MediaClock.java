package net.secureconnect.media.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The clock of slot times (created, due). A bean, so the expiry tests move time forward instead of waiting for it:
 * a test that waited out a real upload window raced the sweep on a loaded machine (docs/benchmarks.md, "Java 25").
 */
public class MediaClock {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
