package io.camelskytools.runtime.cli.londiste;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Option;

/** The handler and trigger flags add-table and change-handler share. */
final class HandlerOptions {

    @Option(names = "--handler", paramLabel = "NAME", description = "The handler of the table (show-handlers).")
    String handler;

    @Option(names = "--handler-arg", paramLabel = "KEY=VALUE", description = "A handler argument (repeatable).")
    List<String> handlerArgs = new ArrayList<>();

    @Option(names = "--trigger-flags", paramLabel = "FLAGS", description = "Trigger flags (IUD, B/A, L/Q/J, S).")
    String triggerFlags;

    @Option(names = "--trigger-arg", paramLabel = "ARG", description = "A custom trigger argument (repeatable).")
    List<String> triggerArgs = new ArrayList<>();
}
