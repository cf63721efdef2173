#!/bin/sh
# RFC 3875 §6.2.2 local-pathquery: a path with path info and a query of its own.
printf 'Location: %s/env.sh/moved?from=redirect%%21\r\n\r\n' "${SCRIPT_NAME%/*}"
