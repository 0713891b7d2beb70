package io.camelskytools.runtime.cli.londiste;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** compare's and repair's tables and --force. */
final class SamePointOptions {

    @Parameters(paramLabel = "TABLE", arity = "0..*", description = "Tables to look at (default: all in sync here).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--force", description = "Wait for the worker past lock_timeout.")
    boolean force;
}
