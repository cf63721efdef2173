#!/bin/sh
# A local redirect answered to a request with a body, without reading that body.
printf 'Location: %s/body-digest.py\r\n\r\n' "${SCRIPT_NAME%/*}"
