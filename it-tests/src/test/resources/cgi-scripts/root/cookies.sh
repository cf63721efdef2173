#!/bin/sh
printf 'Content-Type: text/plain\r\n'
printf 'Set-Cookie: a=1; Path=/\r\n'
printf 'Set-Cookie: b=2; HttpOnly\r\n'
printf 'Set-Cookie: c=3\r\n'
printf '\r\n'
echo "three cookies"
