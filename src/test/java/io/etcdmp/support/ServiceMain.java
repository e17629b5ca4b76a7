package io.etcdmp.support;

import jakarta.enterprise.inject.se.SeContainer;
import jakarta.enterprise.inject.se.SeContainerInitializer;
import jakarta.enterprise.inject.spi.Extension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;

/**
 * A separate "service" process for registry tests: a CDI container with this library, configured by
 * the system properties it was started with. Prints {@code READY} once started, stops gracefully on
 * the line {@code stop} (or end of input), and can be killed to simulate a crash.
 */
public final class ServiceMain {
    private ServiceMain() {
    }

    public static void main(String[] args) throws Exception {
        SeContainerInitializer init = SeContainerInitializer.newInstance().disableDiscovery().addBeanClasses(CdiApp.Anchor.class);
        ServiceLoader.load(Extension.class).forEach(init::addExtensions);
        try (SeContainer container = init.initialize()) {
            System.out.println("READY");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.trim().equals("stop")) {
                // wait for the stop line
            }
        }
        System.out.println("STOPPED");
        System.out.flush();
    }
}
