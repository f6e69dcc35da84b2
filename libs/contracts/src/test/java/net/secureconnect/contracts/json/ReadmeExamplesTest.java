package net.secureconnect.contracts.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import net.secureconnect.contracts.Topic;

/** The README's wire-format examples are real records: one per topic, each decoding on its topic. */
class ReadmeExamplesTest {

    private static final Pattern EXAMPLE = Pattern.compile("`([a-z-]+)`:\\n```json\\n(.+?)\\n```", Pattern.DOTALL);

    @Test
    void everyExampleDecodesOnItsTopic() throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        Set<Topic> covered = EnumSet.noneOf(Topic.class);
        Matcher m = EXAMPLE.matcher(readme);
        while (m.find()) {
            Topic topic = Topic.byName(m.group(1)).orElseThrow(() -> new AssertionError("no topic " + m.group(1)));
            DecodeResult result = EventJson.decode(topic, m.group(2).getBytes(StandardCharsets.UTF_8));
            assertInstanceOf(DecodeResult.Decoded.class, result, () -> m.group(1) + ": " + result);
            covered.add(topic);
        }
        assertEquals(EnumSet.allOf(Topic.class), covered);
    }
}
