#!/bin/sh
# ?local answers with /cgi-bin/hello.sh inside the server (RFC 3875 §6.2.2); otherwise a client redirect.
case "$QUERY_STRING" in
  local) printf 'Location: %s/cgi-bin/hello.sh\r\n\r\n' "${SCRIPT_NAME%/cgi-bin/redirect.sh}" ;;
  *) printf 'Location: http://%s:%s%s/index.html\r\n\r\n' "$SERVER_NAME" "$SERVER_PORT" "${SCRIPT_NAME%/cgi-bin/redirect.sh}" ;;
esac
