/** A server in recovery controlled over SQL: promote it, pause and resume replay, read where it stands. */
package io.camelskytools.walmgr.standby;
