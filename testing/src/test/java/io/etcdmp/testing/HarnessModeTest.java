package io.etcdmp.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code etcdmp.testing.mode} and {@code etcdmp.testing.etcd-image}: where the harness runs etcd, and which image. */
@Tag("unit")
@Timeout(10)
class HarnessModeTest {

    @AfterEach
    void clearProperties() {
        System.clearProperty(Binaries.MODE);
        System.clearProperty(ContainerEtcd.IMAGE_PROPERTY);
    }

    @Test
    void containerModeRunsEtcdInAContainerEvenWithABinaryAndSaysWhy() {
        System.setProperty(Binaries.MODE, "Container");
        assertTrue(Binaries.runInContainer());
        assertEquals("etcdmp.testing.mode=container", Binaries.whyContainer());
    }

    @Test
    void localModeNeverUsesDocker() {
        System.setProperty(Binaries.MODE, "local");
        assertFalse(Binaries.runInContainer());
    }

    @Test
    void anUnknownModeFailsNamingTheSettingAndTheChoices() {
        System.setProperty(Binaries.MODE, "docker");
        IllegalStateException e = assertThrows(IllegalStateException.class, Binaries::runInContainer);
        assertTrue(e.getMessage().contains("'docker'") && e.getMessage().contains("etcdmp.testing.mode")
                && e.getMessage().contains("auto, local or container"), e.getMessage());
    }

    @Test
    void theImageIsTheSystemPropertyElseTheDefault() {
        String env = System.getenv("ETCDMP_TESTING_ETCD_IMAGE");
        assertEquals(env == null || env.isBlank() ? ContainerEtcd.DEFAULT_IMAGE : env.strip(), ContainerEtcd.image());
        System.setProperty(ContainerEtcd.IMAGE_PROPERTY, " registry.example.com/etcd:v3.5.17 ");
        assertEquals("registry.example.com/etcd:v3.5.17", ContainerEtcd.image());
    }
}
