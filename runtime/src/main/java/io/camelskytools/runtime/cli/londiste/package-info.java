/**
 * {@code skytools londiste CONFIG.ini COMMAND}: londiste3's commands on its own ini files, on
 * top of camel-londiste.
 */
package io.camelskytools.runtime.cli.londiste;
