#!/usr/bin/env python3
"""Shows SCRIPT_NAME and PATH_INFO: try /cgi-bin/sub/info.py/any/extra/path."""
import os

print("Content-Type: text/plain")
print()
for name in ("SCRIPT_NAME", "PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING"):
    print(f"{name}={os.environ.get(name, '')}")
