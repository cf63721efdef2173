#!/usr/bin/perl
# A classic CGI.pm form: GET shows it, POST greets the submitted name.
use strict;
use warnings;
use CGI qw(:standard escapeHTML);
my $name = param('name');
print header(-type => 'text/html', -charset => 'utf-8');
print "<!doctype html><title>Perl form</title>\n";
if (defined $name && length $name) {
    print '<p>Hello, ', escapeHTML($name), "!</p>\n";
}
print '<form method="post"><input name="name" placeholder="your name"><button>Send</button></form>', "\n";
