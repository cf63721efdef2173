#!/usr/bin/env python3
"""Streams five lines, one every 200 ms: the first arrive before the script ends."""
import sys
import time

sys.stdout.write("Content-Type: text/plain\r\n\r\n")
sys.stdout.flush()
for i in range(5):
    sys.stdout.write(f"tick {i} {time.strftime('%H:%M:%S')}\n")
    sys.stdout.flush()
    time.sleep(0.2)
