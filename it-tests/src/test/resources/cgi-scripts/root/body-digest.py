#!/usr/bin/env python3
# Reports REQUEST_METHOD and CONTENT_LENGTH as received, then reads stdin to end of
# input and reports its size and SHA-256: whether the body arrived whole, with or
# without a length.
import hashlib
import os
import sys

digest = hashlib.sha256()
total = 0
while True:
    chunk = sys.stdin.buffer.read(65536)
    if not chunk:
        break
    digest.update(chunk)
    total += len(chunk)
out = sys.stdout
out.write("Content-Type: text/plain\r\n\r\n")
out.write("REQUEST_METHOD=%s\n" % os.environ.get("REQUEST_METHOD"))
out.write("CONTENT_LENGTH=%s\n" % os.environ.get("CONTENT_LENGTH", "(absent)"))
out.write("bytes=%d\n" % total)
out.write("sha256=%s\n" % digest.hexdigest())
