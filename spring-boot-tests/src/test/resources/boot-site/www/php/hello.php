<?php
header('Content-Type: text/plain');
echo php_sapi_name(), ' SCRIPT_NAME=', $_SERVER['SCRIPT_NAME'], "\n";
