/**
 * {@code skytools walmgr}: walmgr3's commands, grouped in classes by what they deal with;
 * they read the skytools.walmgr.* keys, call camel-walmgr and print. The group and its order
 * are in {@link io.camelskytools.runtime.cli.walmgr.WalmgrCommand}.
 */
package io.camelskytools.runtime.cli.walmgr;
