#!/bin/sh
# RFC 3875 §6.2.4: a client redirect with a document and an explicit Status.
printf 'Status: 303 See Other\r\nLocation: http://example.invalid/done\r\nContent-Type: text/plain\r\n\r\n'
echo "see other"
