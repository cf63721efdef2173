#!/bin/sh
# RFC 3875 §5: a non-parsed-header script writes the HTTP status line itself.
printf 'HTTP/1.1 299 Custom\r\nContent-Type: text/plain\r\nX-Nph: yes\r\n\r\n'
echo "nph body"
