/**
 * The runtime's configuration (a properties file under environment variables): the
 * skytools.* keys, the databases they name and how to connect to them, the
 * skytools.walmgr.* keys, and the embedded database used when none is configured.
 */
package io.camelskytools.runtime.config;
