//! What the files a package installs contain. Configuration files are short versions of the
//! real ones (the directives that matter for the lessons: ports, document roots, includes);
//! default pages are written for the simulation. Programs are small stand-ins that hand over to
//! the command the simulation provides, and say so.

use super::catalogue::{self, Distro, Pkg};

/// (contents, mode) of `path` as package `p` installs it on `d`.
pub fn content(path: &str, d: Distro, p: &Pkg) -> (Vec<u8>, u32) {
    let name = crate::fs::file_name(path);
    let dir = crate::fs::parent(path);
    if dir.ends_with("/bin") || dir.ends_with("/sbin") || dir == "/usr/libexec" {
        let text = format!(
            "#!/bin/sh\n# ec2lab: the simulation runs {name} itself; this file stands in for the program from {}.\nexec {name} \"$@\"\n",
            p.name
        );
        return (text.into_bytes(), 0o755);
    }
    if let Some(unit) = name.strip_suffix(".service") {
        if let Some(s) = catalogue::service(d, unit) {
            return (unit_file(s).into_bytes(), 0o644);
        }
    }
    let text: String = match path {
        "/etc/httpd/conf/httpd.conf" => HTTPD_CONF.into(),
        "/etc/httpd/conf.d/welcome.conf" => WELCOME_CONF.into(),
        "/usr/share/httpd/noindex/index.html" => apache_test_page(d),
        "/etc/nginx/nginx.conf" if d.is_ubuntu() => NGINX_CONF_UBUNTU.into(),
        "/etc/nginx/nginx.conf" => NGINX_CONF_AMZN.into(),
        "/etc/nginx/sites-available/default" => NGINX_SITE_UBUNTU.into(),
        "/usr/share/nginx/html/index.html" | "/var/www/html/index.nginx-debian.html" => nginx_welcome(d),
        "/usr/share/nginx/html/404.html" => "<!DOCTYPE html>\n<html>\n<head><title>Page not found</title></head>\n<body>\n<h1>Page not found</h1>\n<p>Nothing is published at this address on this server.</p>\n</body>\n</html>\n".into(),
        "/usr/share/nginx/html/50x.html" => "<!DOCTYPE html>\n<html>\n<head><title>Server error</title></head>\n<body>\n<h1>Server error</h1>\n<p>The server could not complete the request.</p>\n</body>\n</html>\n".into(),
        "/etc/apache2/apache2.conf" => APACHE2_CONF.into(),
        "/etc/apache2/sites-available/000-default.conf" => "<VirtualHost *:80>\n\tServerAdmin webmaster@localhost\n\tDocumentRoot /var/www/html\n\tErrorLog ${APACHE_LOG_DIR}/error.log\n\tCustomLog ${APACHE_LOG_DIR}/access.log combined\n</VirtualHost>\n".into(),
        "/var/www/html/index.html" => ubuntu_apache_page(),
        "/etc/httpd/conf.d/php.conf" => "# PHP for httpd\n<Files \".user.ini\">\n    Require all denied\n</Files>\nAddType text/html .php\nDirectoryIndex index.php\n<FilesMatch \\.(php|phar)$>\n    SetHandler \"proxy:unix:/run/php-fpm/www.sock|fcgi://localhost\"\n</FilesMatch>\n".into(),
        "/etc/nginx/default.d/php.conf" => "index index.php index.html index.htm;\n\nlocation ~ \\.(php|phar)(/.*)?$ {\n    fastcgi_split_path_info ^(.+\\.(?:php|phar))(/.*)$;\n    fastcgi_intercept_errors on;\n    fastcgi_index  index.php;\n    include        fastcgi_params;\n    fastcgi_param  SCRIPT_FILENAME  $document_root$fastcgi_script_name;\n    fastcgi_param  PATH_INFO $fastcgi_path_info;\n    fastcgi_pass   php-fpm;\n}\n".into(),
        "/etc/nginx/conf.d/php-fpm.conf" => "upstream php-fpm {\n    server unix:/run/php-fpm/www.sock;\n}\n".into(),
        "/etc/php-fpm.d/www.conf" => "[www]\nuser = apache\ngroup = apache\nlisten = /run/php-fpm/www.sock\npm = dynamic\npm.max_children = 50\n".into(),
        "/etc/my.cnf.d/mariadb-server.cnf" | "/etc/mysql/mariadb.conf.d/50-server.cnf" => "[mysqld]\ndatadir=/var/lib/mysql\nsocket=/var/lib/mysql/mysql.sock\nlog-error=/var/log/mariadb/mariadb.log\npid-file=/run/mariadb/mariadb.pid\n".into(),
        "/etc/yum.repos.d/epel.repo" => "[epel]\nname=Extra Packages for Enterprise Linux 7 - $basearch\nmetalink=https://mirrors.fedoraproject.org/metalink?repo=epel-7&arch=$basearch\nenabled=1\ngpgcheck=1\n".into(),
        _ => String::new(),
    };
    (text.into_bytes(), 0o644)
}

/// A unit file for a catalogue service (the sections systemd reads; the commands are the
/// service's main process).
pub fn unit_file(s: &catalogue::ServiceDef) -> String {
    let docs = if s.docs.is_empty() { String::new() } else { format!("Documentation={}\n", s.docs) };
    format!(
        "[Unit]\nDescription={}\n{docs}After=network.target\n\n[Service]\nExecStart={}\n\n[Install]\nWantedBy=multi-user.target\n",
        s.description, s.exec
    )
}

const HTTPD_CONF: &str = "# Main configuration of the Apache HTTP Server (shortened for the lab).\n\
ServerRoot \"/etc/httpd\"\n\
Listen 80\n\
Include conf.modules.d/*.conf\n\
User apache\n\
Group apache\n\
ServerAdmin root@localhost\n\
<Directory />\n    AllowOverride none\n    Require all denied\n</Directory>\n\
DocumentRoot \"/var/www/html\"\n\
<Directory \"/var/www/html\">\n    Options Indexes FollowSymLinks\n    AllowOverride None\n    Require all granted\n</Directory>\n\
<IfModule dir_module>\n    DirectoryIndex index.html\n</IfModule>\n\
ErrorLog \"logs/error_log\"\n\
LogLevel warn\n\
AddDefaultCharset UTF-8\n\
IncludeOptional conf.d/*.conf\n";

const WELCOME_CONF: &str = "# Shows the test page when the document root has no index.html.\n\
# Remove this file (or publish an index.html) to stop showing it.\n\
<LocationMatch \"^/+$\">\n    Options -Indexes\n    ErrorDocument 403 /.noindex.html\n</LocationMatch>\n\
<Directory /usr/share/httpd/noindex>\n    AllowOverride None\n    Require all granted\n</Directory>\n\
Alias /.noindex.html /usr/share/httpd/noindex/index.html\n";

const APACHE2_CONF: &str = "# Main configuration of apache2 on Ubuntu (shortened for the lab).\n\
DefaultRuntimeDir ${APACHE_RUN_DIR}\n\
PidFile ${APACHE_PID_FILE}\n\
User ${APACHE_RUN_USER}\n\
Group ${APACHE_RUN_GROUP}\n\
ErrorLog ${APACHE_LOG_DIR}/error.log\n\
LogLevel warn\n\
IncludeOptional mods-enabled/*.load\n\
IncludeOptional mods-enabled/*.conf\n\
Include ports.conf\n\
<Directory /var/www/>\n\tOptions Indexes FollowSymLinks\n\tAllowOverride None\n\tRequire all granted\n</Directory>\n\
IncludeOptional conf-enabled/*.conf\n\
IncludeOptional sites-enabled/*.conf\n";

const NGINX_CONF_AMZN: &str = "# Main configuration of nginx (shortened for the lab).\n\
user nginx;\n\
worker_processes auto;\n\
error_log /var/log/nginx/error.log notice;\n\
pid /run/nginx.pid;\n\
include /usr/share/nginx/modules/*.conf;\n\
events {\n    worker_connections 1024;\n}\n\
http {\n\
    access_log  /var/log/nginx/access.log;\n\
    sendfile            on;\n\
    keepalive_timeout   65;\n\
    include             /etc/nginx/mime.types;\n\
    default_type        application/octet-stream;\n\
    include /etc/nginx/conf.d/*.conf;\n\
    server {\n\
        listen       80;\n\
        listen       [::]:80;\n\
        server_name  _;\n\
        root         /usr/share/nginx/html;\n\
        include /etc/nginx/default.d/*.conf;\n\
        error_page 404 /404.html;\n\
        location = /404.html {\n        }\n\
        error_page 500 502 503 504 /50x.html;\n\
        location = /50x.html {\n        }\n\
    }\n\
}\n";

const NGINX_CONF_UBUNTU: &str = "# Main configuration of nginx on Ubuntu (shortened for the lab).\n\
user www-data;\n\
worker_processes auto;\n\
pid /run/nginx.pid;\n\
error_log /var/log/nginx/error.log;\n\
include /etc/nginx/modules-enabled/*.conf;\n\
events {\n\tworker_connections 768;\n}\n\
http {\n\
\tsendfile on;\n\
\tinclude /etc/nginx/mime.types;\n\
\tdefault_type application/octet-stream;\n\
\taccess_log /var/log/nginx/access.log;\n\
\tinclude /etc/nginx/conf.d/*.conf;\n\
\tinclude /etc/nginx/sites-enabled/*;\n\
}\n";

const NGINX_SITE_UBUNTU: &str = "# Default server configuration (shortened for the lab).\n\
server {\n\
\tlisten 80 default_server;\n\
\tlisten [::]:80 default_server;\n\
\troot /var/www/html;\n\
\t# Add index.php to the list if you are using PHP\n\
\tindex index.html index.htm index.nginx-debian.html;\n\
\tserver_name _;\n\
\tlocation / {\n\t\ttry_files $uri $uri/ =404;\n\t}\n\
\t# pass PHP scripts to FastCGI server\n\
\t#location ~ \\.php$ {\n\
\t#\tinclude snippets/fastcgi-php.conf;\n\
\t#\tfastcgi_pass unix:/run/php/php-fpm.sock;\n\
\t#}\n\
}\n";

fn apache_test_page(d: Distro) -> String {
    let os = if d == Distro::Al2023 { "Amazon Linux 2023" } else { "Amazon Linux 2" };
    format!(
        "<!doctype html>\n<html>\n<head>\n<meta charset='utf-8'>\n<title>Test Page for the HTTP Server on {os}</title>\n</head>\n<body>\n\
<h1>It works!</h1>\n\
<p>This is the test page of the Apache HTTP server installed on this {os} machine. \
You see it because the web server runs and its document root has no index page yet.</p>\n\
<h2>For the owner of this site</h2>\n\
<p>Put your content in <code>/var/www/html/</code>: an <code>index.html</code> there replaces this page. \
The server's configuration is in <code>/etc/httpd/conf/httpd.conf</code>.</p>\n\
<h2>For visitors</h2>\n\
<p>The site is being set up. Nothing is wrong with your browser.</p>\n\
</body>\n</html>\n"
    )
}

fn nginx_welcome(d: Distro) -> String {
    let os = match d {
        Distro::Al2023 => "Amazon Linux 2023",
        Distro::Al2 => "Amazon Linux 2",
        Distro::Noble | Distro::Jammy => "Ubuntu",
    };
    format!(
        "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n\
<h1>Welcome to nginx!</h1>\n\
<p>nginx is installed and answering on this {os} server. Replace this page with your own content to publish a site.</p>\n\
<p>The nginx documentation lives at <a href=\"https://nginx.org/\">nginx.org</a>.</p>\n\
</body>\n</html>\n"
    )
}

fn ubuntu_apache_page() -> String {
    "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"UTF-8\">\n<title>Apache2 Ubuntu Default Page: It works</title>\n</head>\n<body>\n\
<h1>It works!</h1>\n\
<p>This is the default page of Apache on Ubuntu, found at <code>/var/www/html/index.html</code>. \
Seeing it means the server is installed and running; replace this file with your own before going further.</p>\n\
<h2>Where things are</h2>\n\
<ul>\n<li><code>/etc/apache2/apache2.conf</code>: the main configuration, which includes the rest</li>\n\
<li><code>/etc/apache2/sites-available/</code>: one file per site, enabled with <code>a2ensite</code></li>\n\
<li><code>/var/www/html/</code>: the document root of the default site</li>\n</ul>\n\
</body>\n</html>\n"
        .into()
}
