package io.etcdmp.internal.client;

import java.lang.System.Logger.Level;
import java.util.List;

/**
 * Netty's buffer allocators free their memory in {@code finalize()} once the allocator is garbage,
 * which in an application server is after the application's class loader was closed, and the freeing
 * code needs classes that were never loaded before (Open Liberty, after undeploy: "could not read
 * class io.netty.buffer.FreeChunkEvent"; the finalizer then stops and the memory is not freed). Loading
 * them while the application still runs lets the finalizers finish. Classes missing from the Netty
 * version in use are skipped.
 */
final class NettyFinalizerClasses {
    private static final System.Logger LOG = System.getLogger(NettyFinalizerClasses.class.getName());
    /** Loaded by {@code PoolArena.finalize()} and {@code AdaptivePoolingAllocator.finalize()} (Netty 4.2). */
    private static final List<String> NEEDED = List.of(
            "io.netty.buffer.FreeChunkEvent",
            "io.netty.util.concurrent.ConcurrentSkipListIntObjMultimap$EntryIterator");

    private NettyFinalizerClasses() {
    }

    static void load() {
        ClassLoader loader = NettyFinalizerClasses.class.getClassLoader();
        for (String name : NEEDED) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.log(Level.DEBUG, "Netty class {0} not loadable ({1}); not needed by this Netty version", name, e);
            }
        }
    }
}
