package dev.hermetic.host.cli;

import dev.hermetic.host.CodeCache;
import dev.hermetic.host.Host;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --cache-dir DIR} and {@code --no-cache}: where compiled engines are kept between runs. */
final class CacheOptions {

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where compiled engines are kept between runs (default: $XDG_CACHE_HOME/hermetic/code, "
                    + "or ~/.cache/hermetic/code).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Compile the engine afresh; read and write no cache.")
    boolean noCache;

    /** The builder with the cache these options ask for, if any. */
    Host.Builder apply(Host.Builder builder) {
        if (noCache) {
            return builder;
        }
        return builder.withCodeCache(CodeCache.builder(cacheDir != null ? cacheDir : CodeCache.defaultDirectory()).build());
    }
}
