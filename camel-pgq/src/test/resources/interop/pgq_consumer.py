#!/usr/bin/env python3
"""A consumer written with Debian's python3-pgq, for the interoperability test.

Every event it processes goes to the output file as "ev_id retry data". An event whose
data starts with "retry:" is tagged for retry the first time it is seen (retry in 1 s),
so the test can check that retries come back exactly once.
"""
import sys

import pgq


class RecordingConsumer(pgq.Consumer):

    def reload(self):
        super().reload()
        self.output = self.cf.get("output_file")

    def process_event(self, db, ev):
        with open(self.output, "a") as out:
            out.write("%s %s %s\n" % (ev.id, ev.retry if ev.retry is not None else 0, ev.data))
        if ev.data.startswith("retry:") and ev.retry is None:
            ev.tag_retry(1)
        else:
            ev.tag_done()


if __name__ == "__main__":
    RecordingConsumer("interop_consumer", "db", sys.argv[1:]).start()
