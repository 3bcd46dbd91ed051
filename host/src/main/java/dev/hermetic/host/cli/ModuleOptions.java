package dev.hermetic.host.cli;

import dev.hermetic.host.EngineRefusedException;
import dev.hermetic.host.Host;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command that loads a module shares: how large a module it reads. */
final class ModuleOptions {

    @Option(names = "--max-module-size", paramLabel = "SIZE", converter = Sizes.ByteSize.class, defaultValue = "64M",
            description = "Refuse modules larger than this, before reading them (default: ${DEFAULT-VALUE}).")
    long maxModuleSize;

    /** The module's bytes, refused unread when the file is larger than the maximum. */
    byte[] read(Path module) throws IOException {
        long size = Files.size(module);
        if (size > maxModuleSize) {
            throw new EngineRefusedException(List.of(module + " is " + size
                    + " bytes, over the maximum module size of " + maxModuleSize + " bytes (--max-module-size)"));
        }
        return Files.readAllBytes(module);
    }

    /** A host builder with the maximum module size applied. */
    Host.Builder host() {
        // The CLI meters: --fuel budgets and the fuel of --json need it.
        return Host.builder().withMaxModuleBytes(maxModuleSize).withFuelMetering(true);
    }
}
