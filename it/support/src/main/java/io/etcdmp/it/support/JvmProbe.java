package io.etcdmp.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Looks into a running server JVM with {@code jcmd}: its threads, its loaded classes, a full GC. */
public final class JvmProbe {
    /** Threads the library starts (its timer) or makes jetcd and Vert.x start. */
    public static final Predicate<String> LIBRARY_THREAD = Pattern.compile(
            "^(etcd-microprofile-(timer|events)-|jetcd-|vert\\.x-).*").asMatchPredicate();
    private static final Pattern THREAD_LINE = Pattern.compile("^\"(.*?)\" .*");

    private final long pid;

    public JvmProbe(long pid) {
        this.pid = pid;
    }

    /** The names of the JVM's live threads. */
    public List<String> threadNames() {
        return jcmd("Thread.print").lines().map(THREAD_LINE::matcher).filter(Matcher::matches)
                .map(m -> m.group(1)).toList();
    }

    /** The live threads the library is responsible for. */
    public List<String> libraryThreads() {
        return threadNames().stream().filter(LIBRARY_THREAD).toList();
    }

    /** How many loaded classes (counted once per class loader) have this name. */
    public long loadedCopies(String className) {
        Pattern line = Pattern.compile(".*\\b" + Pattern.quote(className) + "/.*");
        return jcmd("VM.class_hierarchy").lines().filter(l -> line.matcher(l).matches()).count();
    }

    /** A full collection, which also unloads classes of unreachable class loaders. */
    public void fullGc() {
        jcmd("GC.run");
    }

    private String jcmd(String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("jcmd " + pid + " " + command + " failed: "
                        + new String(out, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + jcmd + " (a JDK is needed, not a JRE)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted running jcmd", e);
        }
    }
}
