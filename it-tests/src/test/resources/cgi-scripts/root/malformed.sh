#!/bin/sh
# The second header line has no colon: not a CGI response (RFC 3875 §6.3).
printf 'Content-Type: text/plain\r\nthis is not a header\r\n\r\nbody\n'
