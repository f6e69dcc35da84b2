package net.secureconnect.deploy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kubectl older than 1.27 (or one that does not answer) stops the checks with a message that says what to install. */
class ToolsTest {

    @Test
    void kubectlOlderThan127IsRefusedWithWhatToInstall() {
        AssertionError old = assertThrows(AssertionError.class, () -> Tools.checkKubectlVersion(0,
                "{\"clientVersion\": {\"major\": \"1\", \"minor\": \"20\", \"gitVersion\": \"v1.20.11\"}}"));
        assertTrue(old.getMessage().contains("kubectl on the PATH is 1.20") && old.getMessage().contains("1.27 or newer"),
                old.getMessage());
        AssertionError broken = assertThrows(AssertionError.class, () -> Tools.checkKubectlVersion(1, "error: unknown flag: --output"));
        assertTrue(broken.getMessage().contains("1.27 or newer"), broken.getMessage());
    }

    @Test
    void kubectl127AndNewerAreAccepted() {
        assertDoesNotThrow(() -> Tools.checkKubectlVersion(0, "{\"clientVersion\": {\"major\": \"1\", \"minor\": \"27+\"}}"));
        assertDoesNotThrow(() -> Tools.checkKubectlVersion(0, "{\n  \"clientVersion\": {\n    \"major\": \"1\",\n    \"minor\": \"32\"\n  }\n}"));
    }

    @Test
    void theKubectlOnThisMachineIsNewEnough() {
        assertDoesNotThrow(Tools::kubectl);
    }
}
