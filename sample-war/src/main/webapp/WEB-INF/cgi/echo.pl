#!/usr/bin/perl
# Echoes the request body back, with the method and content type, using CGI.pm for the header.
use strict;
use warnings;
use CGI;
binmode STDIN;
binmode STDOUT;
my $q = CGI->new('');  # do not let CGI.pm consume the body
print $q->header(-type => 'application/octet-stream', -X_Request_Method => $ENV{REQUEST_METHOD},
                 -X_Content_Length => ($ENV{CONTENT_LENGTH} // 'none'));
my $buf;
while (read(STDIN, $buf, 65536)) {
    print $buf;
}
