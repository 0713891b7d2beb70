/** Checks an archive for missing and corrupted WAL: {@link io.camelskytools.walmgr.verify.ArchiveVerifier}. */
package io.camelskytools.walmgr.verify;
