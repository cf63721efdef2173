#!/bin/sh
# RFC 3875 §6.2.2: a local path in Location and no Status; the server answers with hello.sh instead
printf 'Location: /cgi-bin/hello.sh?from=redirect\r\n\r\n'
