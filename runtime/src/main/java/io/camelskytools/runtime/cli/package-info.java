/**
 * The {@code skytools} command line: the root command ({@link io.camelskytools.runtime.cli.SkytoolsCli},
 * the fat jar's main class) and what its subcommands share, such as table and JSON output.
 */
package io.camelskytools.runtime.cli;
