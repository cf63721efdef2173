#!/bin/sh
# RFC 3875 §6.2.2: a local path in Location, no Status; the server serves other.sh instead.
printf 'Location: %s/other.sh\r\n\r\n' "${SCRIPT_NAME%/*}"
