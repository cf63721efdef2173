#!/bin/sh
# RFC 3875 §6.2.3: an absolute URI in Location and nothing else.
printf 'Location: http://example.invalid/target?x=1\r\n\r\n'
