package io.etcdmp.support;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Captures every JUL log record of the JVM (the library logs through System.Logger, which goes to JUL;
 * so do gRPC, Vert.x and Weld here) at every level while open, formatted with parameters and the whole
 * stack trace of any thrown exception. The console keeps its usual level meanwhile.
 */
public final class LogCapture extends Handler implements AutoCloseable {
    private final Logger root = Logger.getLogger("");
    private final Level rootLevel = root.getLevel();
    private final Map<Handler, Level> consoleLevels = new HashMap<>();
    private final List<String> lines = new ArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    private LogCapture(Level level) {
        for (Handler h : root.getHandlers()) {
            consoleLevels.put(h, h.getLevel());
            h.setLevel(Level.INFO);
        }
        setLevel(Level.ALL);
        root.addHandler(this);
        root.setLevel(level);
    }

    /** Captures every level (FINEST included) from every logger. */
    public static LogCapture everything() {
        return new LogCapture(Level.ALL);
    }

    /** Captures what the loggers emit at their configured levels. */
    public static LogCapture configured() {
        return new LogCapture(Logger.getLogger("").getLevel());
    }

    @Override
    public synchronized void publish(LogRecord record) {
        lines.add(record.getLevel() + " " + record.getLoggerName() + ": " + formatter.format(record));
    }

    public synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }

    /** Lines at WARNING or above that contain {@code text}. */
    public synchronized List<String> warningsContaining(String text) {
        return lines.stream().filter(l -> (l.startsWith("WARNING") || l.startsWith("SEVERE")) && l.contains(text)).toList();
    }

    public synchronized String all() {
        return String.join("\n", lines);
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
        root.setLevel(rootLevel);
        consoleLevels.forEach(Handler::setLevel);
    }
}
