package dev.hermetic.host.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hermetic}: run an engine on a file, inspect one, or write a pre-initialized snapshot of one. Results go to stdout, diagnostics to
 * stderr. Exit codes: 0 success, 1 failure (engine refused, trapped, killed, or returned a
 * negative status), 2 bad usage, and an engine's own {@code process_exit} code passed through.
 */
@Command(name = "hermetic",
        mixinStandardHelpOptions = true,
        version = "hermetic 0.1.0",
        description = "Runs untrusted WebAssembly engines hermetically.",
        subcommands = {RunCommand.class, InspectCommand.class, SnapshotCommand.class})
public final class HermeticCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given streams and returns its exit code; never exits the JVM. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new HermeticCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            command.getErr().println("hermetic: " + e.getMessage());
            return command.getCommandSpec().exitCodeOnExecutionException();
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: run, inspect or snapshot");
    }
}
