<?php
// The front controller of a small PHP application: every path that names no file arrives here,
// with the path in PATH_INFO and the original REQUEST_URI, as behind nginx's
// try_files $uri $uri/ /index.php.
$path = $_SERVER['PATH_INFO'] ?? '/';
$method = $_SERVER['REQUEST_METHOD'];
header('Content-Type: text/plain; charset=utf-8');

if ($path === '/' && $method === 'GET') {
    echo "home\n";
} elseif (preg_match('#^/hello/([^/]+)$#', $path, $m) && $method === 'GET') {
    echo 'Hello, ' . rawurldecode($m[1]) . "\n";
    echo 'REQUEST_URI=' . $_SERVER['REQUEST_URI'] . "\n";
    echo 'SCRIPT_NAME=' . $_SERVER['SCRIPT_NAME'] . "\n";
} elseif ($path === '/notes' && $method === 'POST') {
    http_response_code(201);
    header('Location: ' . dirname($_SERVER['SCRIPT_NAME']) . '/notes/1');
    echo 'stored ' . strlen($_POST['text'] ?? '') . " bytes\n";
} else {
    http_response_code(404);
    echo "no route for $method $path\n";
}
