<?php
// Served through dev.gatehouse.fastcgi.FastCgiProxyServlet by php-fpm.
header('Content-Type: text/html; charset=utf-8');
$name = isset($_GET['name']) ? $_GET['name'] : 'world';
?>
<!doctype html>
<title>PHP through FastCGI</title>
<h1>Hello, <?= htmlspecialchars($name) ?>, from PHP <?= PHP_VERSION ?></h1>
<table>
<?php foreach (['SCRIPT_NAME', 'PATH_INFO', 'QUERY_STRING', 'REQUEST_URI', 'DOCUMENT_URI', 'SERVER_SOFTWARE'] as $k): ?>
  <tr><th><?= $k ?></th><td><?= htmlspecialchars($_SERVER[$k] ?? '') ?></td></tr>
<?php endforeach; ?>
</table>
