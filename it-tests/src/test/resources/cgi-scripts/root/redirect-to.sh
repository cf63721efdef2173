#!/bin/sh
# A local redirect (RFC 3875 §6.2.2) to whatever the query names, as a script that trusts its input would.
printf 'Location: %s\r\n\r\n' "$QUERY_STRING"
