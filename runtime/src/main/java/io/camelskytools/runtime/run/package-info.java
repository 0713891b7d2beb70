/**
 * {@code skytools run}: Camel Main with the ticker, the shipped and the user's routes, the
 * bridges (JMS, HTTP), WAL streaming and the management server, for the configured databases
 * or an embedded one.
 */
package io.camelskytools.runtime.run;
