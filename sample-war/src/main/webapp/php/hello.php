<?php
// Served through dev.gatehouse.fastcgi.FastCgiProxyServlet by the php-fpm (or php-cgi) it manages.
header('Content-Type: text/html; charset=utf-8');
header('X-PHP-SAPI: ' . php_sapi_name());
$name = isset($_GET['name']) ? $_GET['name'] : 'world';
?>
<!doctype html>
<title>PHP through FastCGI</title>
<h1>Hello, <?= htmlspecialchars($name) ?>, from PHP <?= PHP_VERSION ?> (<?= php_sapi_name() ?>)</h1>
<table>
<?php foreach (['SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING', 'REQUEST_URI', 'DOCUMENT_URI', 'SERVER_SOFTWARE'] as $k): ?>
  <tr><th><?= $k ?></th><td><?= htmlspecialchars($_SERVER[$k] ?? '') ?></td></tr>
<?php endforeach; ?>
</table>
