//! The package catalogue: one table of every package the simulated repositories hold, per
//! distribution, with versions, sizes, dependencies, the files each installs and the services
//! it brings; and the table of services (systemd units) those packages and the base system
//! provide.
//!
//! Versions and sizes are plausible for the AMIs the catalogue offers (Amazon Linux 2023.9,
//! Amazon Linux 2 2.0.2025, Ubuntu 24.04 and 22.04 at the end of 2025); they are data to make the
//! output look like the real tools', not a copy of the repositories. Packages that are not in a
//! distribution's repositories (stress on Amazon Linux 2023, nodejs on Amazon Linux 2,
//! amazon-cloudwatch-agent on Ubuntu) are absent here too, so installing them fails as it would.

/// Bits of [`Pkg::on`] / [`ServiceDef::on`]: which distributions carry a row.
pub const AL2023: u8 = 1;
pub const AL2: u8 = 2;
pub const NOBLE: u8 = 4;
pub const JAMMY: u8 = 8;
pub const AMZN: u8 = AL2023 | AL2;
pub const UBUNTU: u8 = NOBLE | JAMMY;
pub const ALL: u8 = AMZN | UBUNTU;

/// The distribution an instance runs (read from its `/etc/os-release`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Distro {
    Al2023,
    Al2,
    /// Ubuntu 24.04 LTS.
    Noble,
    /// Ubuntu 22.04 LTS.
    Jammy,
}

impl Distro {
    pub fn bit(self) -> u8 {
        match self {
            Distro::Al2023 => AL2023,
            Distro::Al2 => AL2,
            Distro::Noble => NOBLE,
            Distro::Jammy => JAMMY,
        }
    }
    pub fn is_ubuntu(self) -> bool {
        matches!(self, Distro::Noble | Distro::Jammy)
    }
    pub fn codename(self) -> &'static str {
        match self {
            Distro::Jammy => "jammy",
            _ => "noble",
        }
    }
    /// Where packaged systemd units live.
    pub fn unit_dir(self) -> &'static str {
        match self {
            Distro::Jammy => "/lib/systemd/system",
            _ => "/usr/lib/systemd/system",
        }
    }
    /// The distribution's tag in `Server:` headers and `-v` output.
    pub fn server_os(self) -> &'static str {
        match self {
            Distro::Al2023 => "Amazon Linux",
            Distro::Al2 => "",
            Distro::Noble | Distro::Jammy => "Ubuntu",
        }
    }
}

/// One package as a repository offers it.
#[derive(Clone, Copy, Debug)]
pub struct Pkg {
    pub name: &'static str,
    /// Distributions whose repositories carry this row ([`AL2023`] | …).
    pub on: u8,
    /// Distributions whose AMIs come with it installed.
    pub base: u8,
    pub epoch: u32,
    /// `version-release` (rpm) or the Debian version without its epoch.
    pub version: &'static str,
    /// Ubuntu 22.04's version when it differs ("" = same as `version`).
    pub jammy: &'static str,
    /// `noarch` (rpm) / `all` (deb).
    pub noarch: bool,
    /// Amazon Linux: the repository id. Ubuntu: the pocket and component after the codename
    /// (`-updates/main`, `/universe`).
    pub repo: &'static str,
    pub download_kb: u32,
    pub size_kb: u32,
    pub summary: &'static str,
    /// Package names pulled in; `?name` is a weak dependency (installed by default, listed
    /// apart by dnf). Names a distribution lacks are skipped, so one list can serve releases
    /// whose library names differ.
    pub deps: &'static [&'static str],
    /// Other names that select this package (`php-mysqli`, `php-fpm`, …).
    pub provides: &'static [&'static str],
    /// Paths installed: a trailing `/` is a directory; files under `bin/`/`sbin/` are executable.
    pub files: &'static [&'static str],
    pub services: &'static [&'static str],
    /// Commands this package puts on the PATH (see `bins`).
    pub commands: &'static [&'static str],
    /// Amazon Linux 2: the `amazon-linux-extras` topic that must be enabled ("" = core repos).
    pub extras: &'static str,
    /// Debian/Ubuntu: an Apache module whose installation restarts apache2.
    pub apache_module: bool,
}

const P: Pkg = Pkg {
    name: "",
    on: 0,
    base: 0,
    epoch: 0,
    version: "",
    jammy: "",
    noarch: false,
    repo: "amazonlinux",
    download_kb: 100,
    size_kb: 300,
    summary: "",
    deps: &[],
    provides: &[],
    files: &[],
    services: &[],
    commands: &[],
    extras: "",
    apache_module: false,
};

impl Pkg {
    /// The version this distribution carries, without epoch.
    pub fn version_on(&self, d: Distro) -> &'static str {
        if d == Distro::Jammy && !self.jammy.is_empty() {
            self.jammy
        } else {
            self.version
        }
    }
    /// With the epoch when there is one (`1:1.24.0-1.amzn2023.0.4`).
    pub fn evr(&self, d: Distro) -> String {
        if self.epoch > 0 {
            format!("{}:{}", self.epoch, self.version_on(d))
        } else {
            self.version_on(d).to_string()
        }
    }
    pub fn arch(&self, d: Distro, x86: bool) -> &'static str {
        match (d.is_ubuntu(), self.noarch, x86) {
            (true, true, _) => "all",
            (true, false, true) => "amd64",
            (true, false, false) => "arm64",
            (false, true, _) => "noarch",
            (false, false, true) => "x86_64",
            (false, false, false) => "aarch64",
        }
    }
    /// `httpd-2.4.62-1.amzn2023.x86_64` (what `rpm -q` prints).
    pub fn nevra(&self, d: Distro, x86: bool) -> String {
        format!("{}-{}.{}", self.name, self.version_on(d), self.arch(d, x86))
    }
    /// The repository as the package managers name it.
    pub fn repo_on(&self, d: Distro) -> String {
        if d.is_ubuntu() {
            format!("{}{}", d.codename(), self.repo)
        } else if d == Distro::Al2 && !self.extras.is_empty() {
            if self.repo == "epel" { "epel".into() } else { format!("amzn2extra-{}", self.extras) }
        } else {
            self.repo.to_string()
        }
    }
    /// Which names select this package (its own and what it provides).
    pub fn answers_to(&self, name: &str) -> bool {
        self.name == name || self.provides.contains(&name)
    }
}

// ---------------------------------------------------------------------------------------------
// Amazon Linux 2023 (dnf, repository `amazonlinux`)
// ---------------------------------------------------------------------------------------------

const HTTPD_FILES: &[&str] = &[
    "/etc/httpd/",
    "/etc/httpd/conf/",
    "/etc/httpd/conf.d/",
    "/etc/httpd/conf.modules.d/",
    "/etc/httpd/conf/httpd.conf",
    "/etc/httpd/conf.d/welcome.conf",
    "/usr/sbin/httpd",
    "/usr/sbin/apachectl",
    "/usr/share/httpd/noindex/index.html",
    "/var/log/httpd/",
    "/var/www/",
    "/var/www/html/",
    "/var/www/cgi-bin/",
    "/usr/lib/systemd/system/httpd.service",
];

const NGINX_FILES: &[&str] = &[
    "/etc/nginx/",
    "/etc/nginx/conf.d/",
    "/etc/nginx/default.d/",
    "/etc/nginx/nginx.conf",
    "/usr/sbin/nginx",
    "/usr/share/nginx/html/",
    "/usr/share/nginx/html/index.html",
    "/usr/share/nginx/html/404.html",
    "/usr/share/nginx/html/50x.html",
    "/var/log/nginx/",
    "/usr/lib/systemd/system/nginx.service",
];

const MARIADB_SERVER_FILES: &[&str] = &[
    "/etc/my.cnf.d/",
    "/etc/my.cnf.d/mariadb-server.cnf",
    "/usr/libexec/mariadbd",
    "/usr/bin/mysql_secure_installation",
    "/var/lib/mysql/",
    "/var/log/mariadb/",
    "/usr/lib/systemd/system/mariadb.service",
];

const DOCKER_FILES: &[&str] = &[
    "/usr/bin/docker",
    "/usr/bin/dockerd",
    "/etc/sysconfig/docker",
    "/usr/lib/systemd/system/docker.service",
    "/usr/lib/systemd/system/docker.socket",
];

const CW_AGENT_FILES: &[&str] = &[
    "/opt/aws/amazon-cloudwatch-agent/",
    "/opt/aws/amazon-cloudwatch-agent/bin/",
    "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl",
    "/opt/aws/amazon-cloudwatch-agent/etc/",
    "/opt/aws/amazon-cloudwatch-agent/logs/",
    "/etc/systemd/system/amazon-cloudwatch-agent.service",
];

const CFN_FILES: &[&str] = &["/opt/aws/bin/", "/opt/aws/bin/cfn-init", "/opt/aws/bin/cfn-signal", "/opt/aws/bin/cfn-hup", "/opt/aws/bin/cfn-get-metadata"];

pub static PACKAGES: &[Pkg] = &[
    // --- Apache httpd and what it pulls in ---
    Pkg { name: "httpd", on: AL2023, version: "2.4.62-1.amzn2023", download_kb: 48, size_kb: 61, summary: "Apache HTTP Server",
          deps: &["apr", "apr-util", "generic-logos-httpd", "httpd-core", "httpd-filesystem", "httpd-tools", "libbrotli", "mailcap", "?apr-util-openssl", "?mod_http2", "?mod_lua"],
          files: HTTPD_FILES, services: &["httpd"], commands: &["httpd", "apachectl"], ..P },
    Pkg { name: "apr", on: AL2023, version: "1.7.5-1.amzn2023.0.4", download_kb: 129, size_kb: 299, summary: "Apache Portable Runtime library", ..P },
    Pkg { name: "apr-util", on: AL2023, version: "1.6.3-1.amzn2023.0.1", download_kb: 98, size_kb: 215, summary: "Apache Portable Runtime Utility library", ..P },
    Pkg { name: "apr-util-openssl", on: AL2023, version: "1.6.3-1.amzn2023.0.1", download_kb: 17, size_kb: 24, summary: "APR utility library OpenSSL crypto support", ..P },
    Pkg { name: "generic-logos-httpd", on: AL2023, version: "18.0.0-12.amzn2023.0.3", noarch: true, download_kb: 19, size_kb: 21, summary: "Generic images for the web servers' test pages", ..P },
    Pkg { name: "httpd-core", on: AL2023, version: "2.4.62-1.amzn2023", download_kb: 1434, size_kb: 4505, summary: "httpd minimal core", ..P },
    Pkg { name: "httpd-filesystem", on: AL2023, version: "2.4.62-1.amzn2023", noarch: true, download_kb: 11, size_kb: 1, summary: "The basic directory layout for the Apache HTTP Server", ..P },
    Pkg { name: "httpd-tools", on: AL2023, version: "2.4.62-1.amzn2023", download_kb: 81, size_kb: 199, summary: "Tools for use with the Apache HTTP Server", commands: &["htpasswd", "ab"], files: &["/usr/bin/htpasswd", "/usr/bin/ab"], ..P },
    Pkg { name: "libbrotli", on: AL2023, version: "1.0.9-4.amzn2023.0.2", download_kb: 315, size_kb: 753, summary: "Library for brotli lossless compression algorithm", ..P },
    Pkg { name: "mailcap", on: AL2023, version: "2.1.49-3.amzn2023.0.3", noarch: true, download_kb: 33, size_kb: 78, summary: "Helper application and MIME type associations for file types", ..P },
    Pkg { name: "mod_http2", on: AL2023, version: "2.0.27-1.amzn2023.0.3", download_kb: 166, size_kb: 454, summary: "module implementing HTTP/2 for Apache 2", ..P },
    Pkg { name: "mod_lua", on: AL2023, version: "2.4.62-1.amzn2023", download_kb: 61, size_kb: 144, summary: "Lua scripting support for the Apache HTTP server", ..P },
    Pkg { name: "mod_ssl", on: AL2023, epoch: 1, version: "2.4.62-1.amzn2023", download_kb: 109, size_kb: 263, summary: "SSL/TLS module for the Apache HTTP Server", ..P },
    // --- nginx ---
    Pkg { name: "nginx", on: AL2023, epoch: 1, version: "1.24.0-1.amzn2023.0.4", download_kb: 33, size_kb: 0, summary: "A high performance web server and reverse proxy server",
          deps: &["nginx-core", "nginx-filesystem", "nginx-mimetypes", "generic-logos-httpd", "gperftools-libs", "libunwind"],
          files: NGINX_FILES, services: &["nginx"], commands: &["nginx"], ..P },
    Pkg { name: "nginx-core", on: AL2023, epoch: 1, version: "1.24.0-1.amzn2023.0.4", download_kb: 586, size_kb: 1714, summary: "nginx minimal core", ..P },
    Pkg { name: "nginx-filesystem", on: AL2023, epoch: 1, version: "1.24.0-1.amzn2023.0.4", noarch: true, download_kb: 10, size_kb: 1, summary: "The basic directory layout for the Nginx server", ..P },
    Pkg { name: "nginx-mimetypes", on: AL2023, version: "2.1.49-3.amzn2023.0.3", noarch: true, download_kb: 21, size_kb: 87, summary: "MIME type mappings for nginx", ..P },
    Pkg { name: "gperftools-libs", on: AL2023, version: "2.9.1-1.amzn2023.0.3", download_kb: 308, size_kb: 1138, summary: "Libraries provided by gperftools", ..P },
    Pkg { name: "libunwind", on: AL2023, version: "1.4.0-5.amzn2023.0.2", download_kb: 66, size_kb: 170, summary: "An unwinding library", ..P },
    // --- MariaDB 10.5 ---
    Pkg { name: "mariadb105-server", on: AL2023, epoch: 3, version: "10.5.29-1.amzn2023.0.1", download_kb: 9953, size_kb: 51708, summary: "The MariaDB server and related files",
          deps: &["mariadb105", "mariadb105-common", "mariadb105-errmsg", "mariadb-connector-c", "mariadb-connector-c-config", "mysql-selinux", "mariadb105-server-utils", "perl-DBI", "perl-DBD-MariaDB", "?mariadb105-backup", "?mariadb105-cracklib-password-check", "?mariadb105-gssapi-server"],
          files: MARIADB_SERVER_FILES, services: &["mariadb"], commands: &["mysql_secure_installation"], ..P },
    Pkg { name: "mariadb105", on: AL2023, epoch: 3, version: "10.5.29-1.amzn2023.0.1", download_kb: 1587, size_kb: 7152, summary: "A very fast and robust SQL database server",
          files: &["/usr/bin/mysql", "/usr/bin/mariadb", "/usr/bin/mysqldump"], commands: &["mysql", "mariadb", "mysqldump"], ..P },
    Pkg { name: "mariadb105-common", on: AL2023, epoch: 3, version: "10.5.29-1.amzn2023.0.1", download_kb: 30, size_kb: 180, summary: "The shared files required by server and client", files: &["/etc/my.cnf"], ..P },
    Pkg { name: "mariadb105-errmsg", on: AL2023, epoch: 3, version: "10.5.29-1.amzn2023.0.1", download_kb: 237, size_kb: 2277, summary: "The error messages files required by server and embedded", ..P },
    Pkg { name: "mariadb105-server-utils", on: AL2023, epoch: 3, version: "10.5.29-1.amzn2023.0.1", download_kb: 240, size_kb: 1247, summary: "Non-essential server utilities for MariaDB/MySQL applications", ..P },
    Pkg { name: "mariadb105-backup", on: AL2023, epoch: 3, version: "10.5.29-1.amzn2023.0.1", download_kb: 6726, size_kb: 27806, summary: "The mariabackup tool for physical online backups", ..P },
    Pkg { name: "mariadb105-cracklib-password-check", on: AL2023, epoch: 3, version: "10.5.29-1.amzn2023.0.1", download_kb: 14, size_kb: 19, summary: "The password strength checking plugin", ..P },
    Pkg { name: "mariadb105-gssapi-server", on: AL2023, epoch: 3, version: "10.5.29-1.amzn2023.0.1", download_kb: 16, size_kb: 34, summary: "GSSAPI authentication plugin for server", ..P },
    Pkg { name: "mariadb-connector-c", on: AL2023, version: "3.3.10-1.amzn2023.0.1", download_kb: 202, size_kb: 612, summary: "The MariaDB Native Client library (C driver)", ..P },
    Pkg { name: "mariadb-connector-c-config", on: AL2023, version: "3.3.10-1.amzn2023.0.1", noarch: true, download_kb: 9, size_kb: 1, summary: "Configuration files for packages that use /etc/my.cnf as a configuration file", ..P },
    Pkg { name: "mysql-selinux", on: AL2023, version: "1.0.10-1.amzn2023.0.1", noarch: true, download_kb: 36, size_kb: 34, summary: "SELinux policy modules for MySQL and MariaDB packages", ..P },
    Pkg { name: "perl-DBI", on: AL2023, version: "1.643-7.amzn2023.0.3", download_kb: 700, size_kb: 2045, summary: "A database access API for perl", ..P },
    Pkg { name: "perl-DBD-MariaDB", on: AL2023, version: "1.22-1.amzn2023.0.4", download_kb: 151, size_kb: 338, summary: "MariaDB and MySQL driver for the Perl5 Database Interface (DBI)", ..P },
    // --- PHP 8.4 ---
    Pkg { name: "php8.4", on: AL2023, version: "8.4.14-1.amzn2023.0.1", download_kb: 11, size_kb: 0, summary: "PHP scripting language for creating dynamic web sites", provides: &["php"],
          deps: &["php8.4-cli", "php8.4-common", "?php8.4-fpm", "?php8.4-mbstring", "?php8.4-opcache", "?php8.4-pdo", "?php8.4-xml"],
          files: &["/etc/httpd/conf.d/php.conf", "/etc/httpd/conf.modules.d/20-php.conf"], ..P },
    Pkg { name: "php8.4-cli", on: AL2023, version: "8.4.14-1.amzn2023.0.1", download_kb: 3874, size_kb: 15521, summary: "Command-line interface for PHP", provides: &["php-cli"], files: &["/usr/bin/php"], commands: &["php"], ..P },
    Pkg { name: "php8.4-common", on: AL2023, version: "8.4.14-1.amzn2023.0.1", download_kb: 745, size_kb: 6204, summary: "Common files for PHP", provides: &["php-common", "php-json"], files: &["/etc/php.ini", "/etc/php.d/"], ..P },
    Pkg { name: "php8.4-fpm", on: AL2023, version: "8.4.14-1.amzn2023.0.1", download_kb: 1972, size_kb: 7926, summary: "PHP FastCGI Process Manager", provides: &["php-fpm"],
          files: &["/etc/php-fpm.conf", "/etc/php-fpm.d/", "/etc/php-fpm.d/www.conf", "/usr/sbin/php-fpm", "/usr/lib/systemd/system/php-fpm.service", "/etc/nginx/default.d/php.conf", "/etc/nginx/conf.d/php-fpm.conf"],
          services: &["php-fpm"], ..P },
    Pkg { name: "php8.4-mbstring", on: AL2023, version: "8.4.14-1.amzn2023.0.1", download_kb: 531, size_kb: 2054, summary: "A module for PHP applications which need multi-byte string handling", provides: &["php-mbstring"], ..P },
    Pkg { name: "php8.4-opcache", on: AL2023, version: "8.4.14-1.amzn2023.0.1", download_kb: 379, size_kb: 1657, summary: "The Zend OPcache", provides: &["php-opcache"], ..P },
    Pkg { name: "php8.4-pdo", on: AL2023, version: "8.4.14-1.amzn2023.0.1", download_kb: 92, size_kb: 320, summary: "A database access abstraction module for PHP applications", provides: &["php-pdo"], ..P },
    Pkg { name: "php8.4-xml", on: AL2023, version: "8.4.14-1.amzn2023.0.1", download_kb: 153, size_kb: 578, summary: "A module for PHP applications which use XML", provides: &["php-xml"], ..P },
    Pkg { name: "php8.4-mysqlnd", on: AL2023, version: "8.4.14-1.amzn2023.0.1", download_kb: 148, size_kb: 552, summary: "A module for PHP applications that use MySQL databases", provides: &["php-mysqlnd", "php-mysqli"], deps: &["php8.4-pdo"], ..P },
    Pkg { name: "php8.4-devel", on: AL2023, version: "8.4.14-1.amzn2023.0.1", download_kb: 1303, size_kb: 6103, summary: "Files needed for building PHP extensions", provides: &["php-devel"], ..P },
    // --- everyday tools ---
    Pkg { name: "wget", on: AL2023, version: "1.21.3-1.amzn2023.0.4", download_kb: 777, size_kb: 3164, summary: "A utility for retrieving files using the HTTP or FTP protocols", files: &["/usr/bin/wget", "/etc/wgetrc"], commands: &["wget"], ..P },
    Pkg { name: "git", on: AL2023, version: "2.50.1-1.amzn2023.0.1", download_kb: 53, size_kb: 85, summary: "Fast Version Control System", deps: &["git-core", "git-core-doc", "perl-Git", "perl-TermReadKey", "perl-Error"], ..P },
    Pkg { name: "git-core", on: AL2023, version: "2.50.1-1.amzn2023.0.1", download_kb: 4795, size_kb: 23474, summary: "Core package of git with minimal functionality", files: &["/usr/bin/git"], commands: &["git"], ..P },
    Pkg { name: "git-core-doc", on: AL2023, version: "2.50.1-1.amzn2023.0.1", noarch: true, download_kb: 2837, size_kb: 17317, summary: "Documentation files for git-core", ..P },
    Pkg { name: "perl-Git", on: AL2023, version: "2.50.1-1.amzn2023.0.1", noarch: true, download_kb: 41, size_kb: 64, summary: "Perl interface to Git", ..P },
    Pkg { name: "perl-TermReadKey", on: AL2023, version: "2.38-9.amzn2023.0.2", download_kb: 36, size_kb: 64, summary: "A perl module for simple terminal control", ..P },
    Pkg { name: "perl-Error", on: AL2023, epoch: 1, version: "0.17029-5.amzn2023.0.2", noarch: true, download_kb: 41, size_kb: 77, summary: "Error/exception handling in an OO-ish way", ..P },
    Pkg { name: "docker", on: AL2023, version: "25.0.8-1.amzn2023.0.5", download_kb: 46114, size_kb: 190531, summary: "Automates deployment of containerized applications",
          deps: &["containerd", "runc", "iptables-libs", "iptables-nft", "libcgroup", "libnetfilter_conntrack", "libnfnetlink", "libnftnl", "pigz"],
          files: DOCKER_FILES, services: &["docker"], commands: &["docker"], ..P },
    Pkg { name: "containerd", on: AL2023, version: "1.7.27-1.amzn2023.0.3", download_kb: 37064, size_kb: 120115, summary: "Open and reliable container runtime", files: &["/usr/bin/containerd", "/usr/lib/systemd/system/containerd.service"], services: &["containerd"], ..P },
    Pkg { name: "runc", on: AL2023, version: "1.2.4-1.amzn2023.0.1", download_kb: 3407, size_kb: 9916, summary: "A CLI tool for spawning and running containers per OCI spec", ..P },
    Pkg { name: "iptables-libs", on: AL2023, version: "1.8.8-3.amzn2023.0.2", download_kb: 401, size_kb: 1397, summary: "libxtables and iptables extensions userspace support", ..P },
    Pkg { name: "iptables-nft", on: AL2023, version: "1.8.8-3.amzn2023.0.2", download_kb: 183, size_kb: 554, summary: "nftables compatibility for iptables, arptables and ebtables", ..P },
    Pkg { name: "libcgroup", on: AL2023, version: "3.0-1.amzn2023.0.1", download_kb: 75, size_kb: 187, summary: "Library to control and monitor control groups", ..P },
    Pkg { name: "libnetfilter_conntrack", on: AL2023, version: "1.0.8-2.amzn2023.0.2", download_kb: 58, size_kb: 155, summary: "Netfilter conntrack userspace library", ..P },
    Pkg { name: "libnfnetlink", on: AL2023, version: "1.0.1-19.amzn2023.0.2", download_kb: 30, size_kb: 57, summary: "Netfilter netlink userspace library", ..P },
    Pkg { name: "libnftnl", on: AL2023, version: "1.2.2-2.amzn2023.0.2", download_kb: 84, size_kb: 230, summary: "Library for low-level interaction with nftables Netlink's API over libmnl", ..P },
    Pkg { name: "pigz", on: AL2023, version: "2.5-1.amzn2023.0.3", download_kb: 83, size_kb: 151, summary: "Parallel implementation of gzip", ..P },
    Pkg { name: "amazon-cloudwatch-agent", on: AL2023, version: "1.300060.0-1.amzn2023", download_kb: 97854, size_kb: 371204, summary: "Amazon CloudWatch Agent",
          files: CW_AGENT_FILES, services: &["amazon-cloudwatch-agent"], ..P },
    Pkg { name: "aws-cfn-bootstrap", on: AL2023, version: "2.0-33.amzn2023", noarch: true, download_kb: 84, size_kb: 338, summary: "An EC2 bootstrap tool for CloudFormation templates", deps: &["python3-daemon", "python3-docutils", "python3-lockfile", "python3-pystache"],
          files: CFN_FILES, commands: &["cfn-init", "cfn-signal", "cfn-hup", "cfn-get-metadata"], ..P },
    Pkg { name: "python3-daemon", on: AL2023, version: "2.3.0-1.amzn2023.0.3", noarch: true, download_kb: 34, size_kb: 82, summary: "Library to implement a well-behaved Unix daemon process", ..P },
    Pkg { name: "python3-docutils", on: AL2023, version: "0.16-6.amzn2023.0.2", noarch: true, download_kb: 1427, size_kb: 6604, summary: "System for processing plaintext documentation", ..P },
    Pkg { name: "python3-lockfile", on: AL2023, epoch: 1, version: "0.12.2-1.amzn2023.0.3", noarch: true, download_kb: 31, size_kb: 81, summary: "A portable, platform independent file locking mechanism", ..P },
    Pkg { name: "python3-pystache", on: AL2023, version: "0.5.4-14.amzn2023.0.2", noarch: true, download_kb: 108, size_kb: 428, summary: "Python implementation of Mustache", ..P },
    Pkg { name: "stress-ng", on: AL2023, version: "0.13.00-1.amzn2023.0.2", download_kb: 2135, size_kb: 6271, summary: "Stress test a computer system in various ways", deps: &["Judy", "lksctp-tools"], files: &["/usr/bin/stress-ng"], commands: &["stress-ng"], ..P },
    Pkg { name: "Judy", on: AL2023, version: "1.0.5-28.amzn2023.0.2", download_kb: 131, size_kb: 389, summary: "General purpose dynamic array", ..P },
    Pkg { name: "lksctp-tools", on: AL2023, version: "1.0.19-1.amzn2023.0.2", download_kb: 93, size_kb: 252, summary: "User-space access to Linux Kernel SCTP", ..P },
    Pkg { name: "jq", on: AL2023, version: "1.7.1-49.amzn2023.0.2", download_kb: 189, size_kb: 445, summary: "Command-line JSON processor", deps: &["oniguruma"], files: &["/usr/bin/jq"], ..P },
    Pkg { name: "oniguruma", on: AL2023, version: "6.9.7.1-1.amzn2023.0.6", download_kb: 219, size_kb: 648, summary: "Regular expressions library", ..P },
    Pkg { name: "python3", on: AL2023, base: AL2023, version: "3.9.24-1.amzn2023.0.1", download_kb: 27, size_kb: 33, summary: "Python 3.9 interpreter", files: &["/usr/bin/python3"], commands: &["python3"], ..P },
    Pkg { name: "nodejs", on: AL2023, epoch: 1, version: "18.20.8-1.amzn2023.0.1", download_kb: 14336, size_kb: 47596, summary: "JavaScript runtime", deps: &["nodejs-libs", "?nodejs-npm", "?nodejs-docs", "?nodejs-full-i18n"], files: &["/usr/bin/node"], commands: &["node"], ..P },
    Pkg { name: "nodejs-libs", on: AL2023, epoch: 1, version: "18.20.8-1.amzn2023.0.1", download_kb: 15360, size_kb: 71565, summary: "Node.js client library", ..P },
    Pkg { name: "nodejs-npm", on: AL2023, epoch: 1, version: "9.8.1-1.18.20.8.1.amzn2023.0.1", download_kb: 2355, size_kb: 8909, summary: "Node.js Package Manager", provides: &["npm"], files: &["/usr/bin/npm"], commands: &["npm"], ..P },
    Pkg { name: "nodejs-docs", on: AL2023, epoch: 1, version: "18.20.8-1.amzn2023.0.1", noarch: true, download_kb: 8294, size_kb: 85197, summary: "Node.js API documentation", ..P },
    Pkg { name: "nodejs-full-i18n", on: AL2023, epoch: 1, version: "18.20.8-1.amzn2023.0.1", download_kb: 8704, size_kb: 30094, summary: "Non-English locale data for Node.js", ..P },
    Pkg { name: "htop", on: AL2023, version: "3.2.1-87.amzn2023.0.3", download_kb: 182, size_kb: 486, summary: "Interactive process viewer", files: &["/usr/bin/htop"], commands: &["htop"], ..P },
    Pkg { name: "tree", on: AL2023, version: "1.8.0-6.amzn2023.0.2", download_kb: 56, size_kb: 113, summary: "File system tree viewer", files: &["/usr/bin/tree"], commands: &["tree"], ..P },
    // ---------------------------------------------------------------------------------------------
    // Amazon Linux 2 (yum, repository `amzn2-core`; extras topics from amazon-linux-extras)
    // ---------------------------------------------------------------------------------------------
    Pkg { name: "httpd", on: AL2, version: "2.4.62-1.amzn2.0.2", repo: "amzn2-core", download_kb: 1433, size_kb: 4190, summary: "Apache HTTP Server",
          deps: &["apr", "apr-util", "apr-util-bdb", "generic-logos-httpd", "httpd-filesystem", "httpd-tools", "mailcap", "mod_http2"],
          files: HTTPD_FILES, services: &["httpd"], commands: &["httpd", "apachectl"], ..P },
    Pkg { name: "apr", on: AL2, version: "1.7.2-1.amzn2", repo: "amzn2-core", download_kb: 130, size_kb: 295, summary: "Apache Portable Runtime library", ..P },
    Pkg { name: "apr-util", on: AL2, version: "1.6.3-1.amzn2.0.1", repo: "amzn2-core", download_kb: 101, size_kb: 216, summary: "Apache Portable Runtime Utility library", ..P },
    Pkg { name: "apr-util-bdb", on: AL2, version: "1.6.3-1.amzn2.0.1", repo: "amzn2-core", download_kb: 22, size_kb: 12, summary: "APR utility library Berkeley DB driver", ..P },
    Pkg { name: "generic-logos-httpd", on: AL2, version: "18.0.0-4.amzn2", noarch: true, repo: "amzn2-core", download_kb: 19, size_kb: 21, summary: "Generic images for the web servers' test pages", ..P },
    Pkg { name: "httpd-filesystem", on: AL2, version: "2.4.62-1.amzn2.0.2", noarch: true, repo: "amzn2-core", download_kb: 25, size_kb: 1, summary: "The basic directory layout for the Apache HTTP server", ..P },
    Pkg { name: "httpd-tools", on: AL2, version: "2.4.62-1.amzn2.0.2", repo: "amzn2-core", download_kb: 88, size_kb: 171, summary: "Tools for use with the Apache HTTP Server", files: &["/usr/bin/htpasswd", "/usr/bin/ab"], commands: &["htpasswd", "ab"], ..P },
    Pkg { name: "mailcap", on: AL2, version: "2.1.41-2.amzn2", noarch: true, repo: "amzn2-core", download_kb: 31, size_kb: 59, summary: "Helper application and MIME type associations for file types", ..P },
    Pkg { name: "mod_http2", on: AL2, version: "1.15.19-1.amzn2.0.2", repo: "amzn2-core", download_kb: 149, size_kb: 409, summary: "module implementing HTTP/2 for Apache 2", ..P },
    Pkg { name: "php", on: AL2, version: "5.4.16-46.amzn2.0.5", repo: "amzn2-core", download_kb: 1425, size_kb: 4616, summary: "PHP scripting language for creating dynamic web sites", deps: &["php-cli", "php-common", "libzip010-compat"],
          files: &["/etc/httpd/conf.d/php.conf", "/etc/httpd/conf.modules.d/10-php.conf"], ..P },
    Pkg { name: "php-cli", on: AL2, version: "5.4.16-46.amzn2.0.5", repo: "amzn2-core", download_kb: 2793, size_kb: 8982, summary: "Command-line interface for PHP", files: &["/usr/bin/php"], commands: &["php"], ..P },
    Pkg { name: "php-common", on: AL2, version: "5.4.16-46.amzn2.0.5", repo: "amzn2-core", download_kb: 567, size_kb: 4456, summary: "Common files for PHP", files: &["/etc/php.ini", "/etc/php.d/"], ..P },
    Pkg { name: "php-mysqlnd", on: AL2, version: "5.4.16-46.amzn2.0.5", repo: "amzn2-core", download_kb: 170, size_kb: 551, summary: "A module for PHP applications that use MySQL databases", provides: &["php-mysql"], deps: &["php-pdo"], ..P },
    Pkg { name: "php-pdo", on: AL2, version: "5.4.16-46.amzn2.0.5", repo: "amzn2-core", download_kb: 99, size_kb: 214, summary: "A database access abstraction module for PHP applications", ..P },
    Pkg { name: "libzip010-compat", on: AL2, version: "0.10.1-9.amzn2.0.5", repo: "amzn2-core", download_kb: 30, size_kb: 61, summary: "Old version of the libzip library", ..P },
    Pkg { name: "mariadb-server", on: AL2, epoch: 1, version: "5.5.68-1.amzn2.0.1", repo: "amzn2-core", download_kb: 11255, size_kb: 59043, summary: "The MariaDB server and related files",
          deps: &["mariadb", "perl-DBI", "perl-DBD-MySQL", "perl-Compress-Raw-Bzip2", "perl-Net-Daemon", "perl-PlRPC", "libaio"],
          files: MARIADB_SERVER_FILES, services: &["mariadb"], commands: &["mysql_secure_installation"], ..P },
    Pkg { name: "mariadb", on: AL2, epoch: 1, version: "5.5.68-1.amzn2.0.1", repo: "amzn2-core", download_kb: 8966, size_kb: 49399, summary: "A community developed branch of MySQL",
          files: &["/usr/bin/mysql", "/usr/bin/mysqldump"], commands: &["mysql", "mysqldump"], ..P },
    Pkg { name: "perl-DBI", on: AL2, version: "1.627-4.amzn2.0.2", repo: "amzn2-core", download_kb: 804, size_kb: 2053, summary: "A database access API for perl", ..P },
    Pkg { name: "perl-DBD-MySQL", on: AL2, version: "4.023-6.amzn2", repo: "amzn2-core", download_kb: 140, size_kb: 323, summary: "A MySQL interface for Perl", ..P },
    Pkg { name: "perl-Compress-Raw-Bzip2", on: AL2, version: "2.061-3.amzn2.0.2", repo: "amzn2-core", download_kb: 32, size_kb: 59, summary: "Low-level interface to bzip2 compression library", ..P },
    Pkg { name: "perl-Net-Daemon", on: AL2, version: "0.48-5.amzn2", noarch: true, repo: "amzn2-core", download_kb: 51, size_kb: 115, summary: "Perl extension for portable daemons", ..P },
    Pkg { name: "perl-PlRPC", on: AL2, version: "0.2020-14.amzn2", noarch: true, repo: "amzn2-core", download_kb: 36, size_kb: 70, summary: "Interface for building pServer Clients", ..P },
    Pkg { name: "libaio", on: AL2, version: "0.3.109-13.amzn2.0.2", repo: "amzn2-core", download_kb: 24, size_kb: 37, summary: "Linux-native asynchronous I/O access library", ..P },
    Pkg { name: "wget", on: AL2, version: "1.14-18.amzn2.1.1", repo: "amzn2-core", download_kb: 547, size_kb: 2055, summary: "A utility for retrieving files using the HTTP or FTP protocols", files: &["/usr/bin/wget", "/etc/wgetrc"], commands: &["wget"], ..P },
    Pkg { name: "git", on: AL2, version: "2.47.1-1.amzn2.0.3", repo: "amzn2-core", download_kb: 54, size_kb: 87, summary: "Fast Version Control System", deps: &["git-core", "git-core-doc", "perl-Git", "perl-TermReadKey", "perl-Error"], ..P },
    Pkg { name: "git-core", on: AL2, version: "2.47.1-1.amzn2.0.3", repo: "amzn2-core", download_kb: 10584, size_kb: 39525, summary: "Core package of git with minimal functionality", files: &["/usr/bin/git"], commands: &["git"], ..P },
    Pkg { name: "git-core-doc", on: AL2, version: "2.47.1-1.amzn2.0.3", noarch: true, repo: "amzn2-core", download_kb: 3021, size_kb: 16384, summary: "Documentation files for git-core", ..P },
    Pkg { name: "perl-Git", on: AL2, version: "2.47.1-1.amzn2.0.3", noarch: true, repo: "amzn2-core", download_kb: 48, size_kb: 59, summary: "Perl interface to Git", ..P },
    Pkg { name: "perl-TermReadKey", on: AL2, version: "2.30-20.amzn2.0.2", repo: "amzn2-core", download_kb: 31, size_kb: 59, summary: "A perl module for simple terminal control", ..P },
    Pkg { name: "perl-Error", on: AL2, epoch: 1, version: "0.17020-2.amzn2", noarch: true, repo: "amzn2-core", download_kb: 32, size_kb: 50, summary: "Error/exception handling in an OO-ish way", ..P },
    Pkg { name: "docker", on: AL2, version: "25.0.8-1.amzn2.0.4", repo: "amzn2-core", download_kb: 45158, size_kb: 186368, summary: "Automates deployment of containerized applications",
          deps: &["containerd", "runc", "libcgroup", "pigz"], files: DOCKER_FILES, services: &["docker"], commands: &["docker"], ..P },
    Pkg { name: "containerd", on: AL2, version: "1.7.27-1.amzn2.0.2", repo: "amzn2-core", download_kb: 36659, size_kb: 118784, summary: "Open and reliable container runtime", files: &["/usr/bin/containerd", "/usr/lib/systemd/system/containerd.service"], services: &["containerd"], ..P },
    Pkg { name: "runc", on: AL2, version: "1.2.4-1.amzn2", repo: "amzn2-core", download_kb: 3379, size_kb: 9830, summary: "A CLI tool for spawning and running containers per OCI spec", ..P },
    Pkg { name: "libcgroup", on: AL2, version: "0.41-21.amzn2", repo: "amzn2-core", download_kb: 66, size_kb: 155, summary: "Library to control and monitor control groups", ..P },
    Pkg { name: "pigz", on: AL2, version: "2.3.4-1.amzn2.0.1", repo: "amzn2-core", download_kb: 81, size_kb: 136, summary: "Parallel implementation of gzip", ..P },
    Pkg { name: "amazon-cloudwatch-agent", on: AL2, version: "1.300060.0-1.amzn2", repo: "amzn2-core", download_kb: 97536, size_kb: 370688, summary: "Amazon CloudWatch Agent", files: CW_AGENT_FILES, services: &["amazon-cloudwatch-agent"], ..P },
    Pkg { name: "aws-cfn-bootstrap", on: AL2, base: AL2, version: "2.0-31.amzn2", noarch: true, repo: "amzn2-core", download_kb: 79, size_kb: 311, summary: "An EC2 bootstrap tool for CloudFormation templates",
          files: CFN_FILES, commands: &["cfn-init", "cfn-signal", "cfn-hup", "cfn-get-metadata"], ..P },
    Pkg { name: "jq", on: AL2, version: "1.5-1.amzn2.0.2", repo: "amzn2-core", download_kb: 154, size_kb: 351, summary: "Command-line JSON processor", deps: &["oniguruma"], files: &["/usr/bin/jq"], ..P },
    Pkg { name: "oniguruma", on: AL2, version: "5.9.6-1.amzn2.0.4", repo: "amzn2-core", download_kb: 127, size_kb: 507, summary: "Regular expressions library", ..P },
    Pkg { name: "python3", on: AL2, base: AL2, version: "3.7.16-1.amzn2.0.12", repo: "amzn2-core", download_kb: 72, size_kb: 39, summary: "Interpreter of the Python programming language", files: &["/usr/bin/python3"], commands: &["python3"], ..P },
    Pkg { name: "tree", on: AL2, version: "1.6.0-10.amzn2.0.1", repo: "amzn2-core", download_kb: 47, size_kb: 87, summary: "File system tree viewer", files: &["/usr/bin/tree"], commands: &["tree"], ..P },
    Pkg { name: "mod_ssl", on: AL2, epoch: 1, version: "2.4.62-1.amzn2.0.2", repo: "amzn2-core", download_kb: 114, size_kb: 239, summary: "SSL/TLS module for the Apache HTTP Server", ..P },
    // Extras topics (enabled with amazon-linux-extras).
    Pkg { name: "nginx", on: AL2, epoch: 1, version: "1.22.1-1.amzn2.0.4", repo: "amzn2extra-nginx1", extras: "nginx1", download_kb: 607, size_kb: 1802, summary: "A high performance web server and reverse proxy server",
          deps: &["nginx-filesystem", "gperftools-libs", "openssl11-libs", "pcre2"], files: NGINX_FILES, services: &["nginx"], commands: &["nginx"], ..P },
    Pkg { name: "nginx-filesystem", on: AL2, epoch: 1, version: "1.22.1-1.amzn2.0.4", noarch: true, repo: "amzn2extra-nginx1", extras: "nginx1", download_kb: 24, size_kb: 1, summary: "The basic directory layout for the Nginx server", ..P },
    Pkg { name: "gperftools-libs", on: AL2, version: "2.6.1-1.amzn2", repo: "amzn2-core", download_kb: 274, size_kb: 1075, summary: "Libraries provided by gperftools", ..P },
    Pkg { name: "openssl11-libs", on: AL2, epoch: 1, version: "1.1.1zb-1.amzn2.0.2", repo: "amzn2-core", download_kb: 1455, size_kb: 3731, summary: "A general purpose cryptography library with TLS implementation", ..P },
    Pkg { name: "pcre2", on: AL2, version: "10.23-2.amzn2.0.2", repo: "amzn2-core", download_kb: 201, size_kb: 638, summary: "Perl-compatible regular expression library", ..P },
    Pkg { name: "php", on: AL2, version: "8.2.28-1.amzn2", repo: "amzn2extra-php8.2", extras: "php8.2", download_kb: 3174, size_kb: 10342, summary: "PHP scripting language for creating dynamic web sites", deps: &["php-cli", "php-common", "?php-fpm"],
          files: &["/etc/httpd/conf.d/php.conf", "/etc/httpd/conf.modules.d/20-php.conf"], ..P },
    Pkg { name: "php-cli", on: AL2, version: "8.2.28-1.amzn2", repo: "amzn2extra-php8.2", extras: "php8.2", download_kb: 5098, size_kb: 21053, summary: "Command-line interface for PHP", files: &["/usr/bin/php"], commands: &["php"], ..P },
    Pkg { name: "php-common", on: AL2, version: "8.2.28-1.amzn2", repo: "amzn2extra-php8.2", extras: "php8.2", download_kb: 1065, size_kb: 6431, summary: "Common files for PHP", provides: &["php-json"], files: &["/etc/php.ini", "/etc/php.d/"], ..P },
    Pkg { name: "php-fpm", on: AL2, version: "8.2.28-1.amzn2", repo: "amzn2extra-php8.2", extras: "php8.2", download_kb: 1841, size_kb: 7452, summary: "PHP FastCGI Process Manager",
          files: &["/etc/php-fpm.conf", "/etc/php-fpm.d/", "/etc/php-fpm.d/www.conf", "/usr/sbin/php-fpm", "/usr/lib/systemd/system/php-fpm.service"], services: &["php-fpm"], ..P },
    Pkg { name: "php-mysqlnd", on: AL2, version: "8.2.28-1.amzn2", repo: "amzn2extra-php8.2", extras: "php8.2", download_kb: 253, size_kb: 853, summary: "A module for PHP applications that use MySQL databases", provides: &["php-mysql", "php-mysqli"], deps: &["php-pdo"], ..P },
    Pkg { name: "php-pdo", on: AL2, version: "8.2.28-1.amzn2", repo: "amzn2extra-php8.2", extras: "php8.2", download_kb: 149, size_kb: 402, summary: "A database access abstraction module for PHP applications", ..P },
    Pkg { name: "mariadb-server", on: AL2, epoch: 3, version: "10.5.25-1.amzn2.0.1", repo: "amzn2extra-mariadb10.5", extras: "mariadb10.5", download_kb: 10854, size_kb: 55296, summary: "The MariaDB server and related files",
          deps: &["mariadb", "perl-DBI", "perl-DBD-MySQL", "libaio"], files: MARIADB_SERVER_FILES, services: &["mariadb"], commands: &["mysql_secure_installation"], ..P },
    Pkg { name: "mariadb", on: AL2, epoch: 3, version: "10.5.25-1.amzn2.0.1", repo: "amzn2extra-mariadb10.5", extras: "mariadb10.5", download_kb: 6963, size_kb: 30720, summary: "A very fast and robust SQL database server",
          files: &["/usr/bin/mysql", "/usr/bin/mysqldump"], commands: &["mysql", "mysqldump"], ..P },
    Pkg { name: "epel-release", on: AL2, version: "7-11", noarch: true, repo: "amzn2extra-epel", extras: "epel", download_kb: 15, size_kb: 24, summary: "Extra Packages for Enterprise Linux repository configuration", files: &["/etc/yum.repos.d/epel.repo"], ..P },
    // From EPEL (available once `amazon-linux-extras install epel` has added the repository).
    Pkg { name: "stress", on: AL2, version: "1.0.4-16.el7", repo: "epel", extras: "epel", download_kb: 39, size_kb: 94, summary: "A tool to put given subsystems under a specified load", files: &["/usr/bin/stress"], commands: &["stress"], ..P },
    Pkg { name: "htop", on: AL2, version: "2.2.0-3.el7", repo: "epel", extras: "epel", download_kb: 103, size_kb: 218, summary: "Interactive process viewer", files: &["/usr/bin/htop"], commands: &["htop"], ..P },
    // ---------------------------------------------------------------------------------------------
    // Ubuntu 24.04 (noble) and 22.04 (jammy): apt, archive us-east-1.ec2.archive.ubuntu.com
    // ---------------------------------------------------------------------------------------------
    Pkg { name: "apache2", on: UBUNTU, version: "2.4.58-1ubuntu8.8", jammy: "2.4.52-1ubuntu4.16", repo: "-updates/main", download_kb: 90, size_kb: 465, summary: "Apache HTTP Server",
          deps: &["apache2-bin", "apache2-data", "apache2-utils", "ssl-cert"],
          files: &["/etc/apache2/", "/etc/apache2/apache2.conf", "/etc/apache2/sites-available/", "/etc/apache2/sites-available/000-default.conf", "/etc/apache2/sites-enabled/", "/usr/sbin/apache2", "/usr/sbin/apache2ctl", "/usr/sbin/apachectl", "/usr/sbin/a2enmod", "/usr/sbin/a2ensite", "/var/www/", "/var/www/html/", "/var/www/html/index.html", "/var/log/apache2/", "/usr/lib/systemd/system/apache2.service"],
          services: &["apache2"], commands: &["apache2", "apache2ctl", "apachectl", "a2enmod", "a2ensite"], ..P },
    Pkg { name: "apache2-bin", on: UBUNTU, version: "2.4.58-1ubuntu8.8", jammy: "2.4.52-1ubuntu4.16", repo: "-updates/main", download_kb: 1328, size_kb: 5440, summary: "Apache HTTP Server (modules and other binary files)",
          deps: &["libapr1t64", "libaprutil1t64", "libaprutil1-dbd-sqlite3", "libaprutil1-ldap", "liblua5.4-0", "libapr1", "libaprutil1", "liblua5.3-0"], ..P },
    Pkg { name: "apache2-data", on: UBUNTU, version: "2.4.58-1ubuntu8.8", jammy: "2.4.52-1ubuntu4.16", noarch: true, repo: "-updates/main", download_kb: 163, size_kb: 871, summary: "Apache HTTP Server (common files)", ..P },
    Pkg { name: "apache2-utils", on: UBUNTU, version: "2.4.58-1ubuntu8.8", jammy: "2.4.52-1ubuntu4.16", repo: "-updates/main", download_kb: 97, size_kb: 331, summary: "Apache HTTP Server (utility programs for web servers)", files: &["/usr/bin/htpasswd", "/usr/bin/ab"], commands: &["htpasswd", "ab"], ..P },
    Pkg { name: "libapr1t64", on: NOBLE, version: "1.7.2-3.1ubuntu0.1", repo: "-updates/main", download_kb: 108, size_kb: 339, summary: "Apache Portable Runtime Library", ..P },
    Pkg { name: "libaprutil1t64", on: NOBLE, version: "1.6.3-1.1ubuntu7", repo: "/main", download_kb: 91, size_kb: 309, summary: "Apache Portable Runtime Utility Library", ..P },
    Pkg { name: "libapr1", on: JAMMY, version: "1.7.0-8ubuntu0.22.04.2", repo: "-updates/main", download_kb: 108, size_kb: 335, summary: "Apache Portable Runtime Library", ..P },
    Pkg { name: "libaprutil1", on: JAMMY, version: "1.6.1-5ubuntu4.22.04.2", repo: "-updates/main", download_kb: 92, size_kb: 306, summary: "Apache Portable Runtime Utility Library", ..P },
    Pkg { name: "libaprutil1-dbd-sqlite3", on: UBUNTU, version: "1.6.3-1.1ubuntu7", jammy: "1.6.1-5ubuntu4.22.04.2", repo: "/main", download_kb: 11, size_kb: 45, summary: "Apache Portable Runtime Utility Library - SQLite3 Driver", ..P },
    Pkg { name: "libaprutil1-ldap", on: UBUNTU, version: "1.6.3-1.1ubuntu7", jammy: "1.6.1-5ubuntu4.22.04.2", repo: "/main", download_kb: 9, size_kb: 41, summary: "Apache Portable Runtime Utility Library - LDAP Driver", ..P },
    Pkg { name: "liblua5.4-0", on: NOBLE, version: "5.4.6-3build2", repo: "/main", download_kb: 166, size_kb: 436, summary: "Shared library for the Lua interpreter version 5.4", ..P },
    Pkg { name: "liblua5.3-0", on: JAMMY, version: "5.3.6-1build1", repo: "/main", download_kb: 140, size_kb: 408, summary: "Shared library for the Lua interpreter version 5.3", ..P },
    Pkg { name: "ssl-cert", on: UBUNTU, version: "1.1.2ubuntu1", jammy: "1.1.2", noarch: true, repo: "/main", download_kb: 17, size_kb: 92, summary: "simple debconf wrapper for OpenSSL", ..P },
    Pkg { name: "nginx", on: UBUNTU, version: "1.24.0-2ubuntu7.5", jammy: "1.18.0-6ubuntu14.7", repo: "-updates/main", download_kb: 521, size_kb: 1427, summary: "small, powerful, scalable web/proxy server",
          deps: &["nginx-common"],
          files: &["/etc/nginx/", "/etc/nginx/nginx.conf", "/etc/nginx/sites-available/", "/etc/nginx/sites-available/default", "/etc/nginx/sites-enabled/", "/usr/sbin/nginx", "/var/www/", "/var/www/html/", "/var/www/html/index.nginx-debian.html", "/var/log/nginx/", "/usr/lib/systemd/system/nginx.service"],
          services: &["nginx"], commands: &["nginx"], ..P },
    Pkg { name: "nginx-common", on: UBUNTU, version: "1.24.0-2ubuntu7.5", jammy: "1.18.0-6ubuntu14.7", noarch: true, repo: "-updates/main", download_kb: 43, size_kb: 218, summary: "small, powerful, scalable web/proxy server - common files", ..P },
    Pkg { name: "mariadb-server", on: UBUNTU, epoch: 1, version: "10.11.13-0ubuntu0.24.04.1", jammy: "10.6.22-0ubuntu0.22.04.1", repo: "-updates/universe", download_kb: 3812, size_kb: 20185, summary: "MariaDB database server binaries",
          deps: &["mariadb-client", "mariadb-server-core", "mariadb-common", "mariadb-plugin-provider-bzip2", "galera-4", "libdbi-perl", "libdbd-mysql-perl", "socat", "libaio1t64", "libaio1", "pv"],
          files: &["/etc/mysql/", "/etc/mysql/mariadb.conf.d/", "/etc/mysql/mariadb.conf.d/50-server.cnf", "/usr/sbin/mariadbd", "/usr/bin/mysql_secure_installation", "/var/lib/mysql/", "/usr/lib/systemd/system/mariadb.service"],
          services: &["mariadb"], commands: &["mysql_secure_installation"], ..P },
    Pkg { name: "mariadb-client", on: UBUNTU, epoch: 1, version: "10.11.13-0ubuntu0.24.04.1", jammy: "10.6.22-0ubuntu0.22.04.1", repo: "-updates/universe", download_kb: 2997, size_kb: 14620, summary: "MariaDB database client binaries",
          files: &["/usr/bin/mysql", "/usr/bin/mariadb", "/usr/bin/mysqldump"], commands: &["mysql", "mariadb", "mysqldump"], ..P },
    Pkg { name: "mariadb-server-core", on: UBUNTU, epoch: 1, version: "10.11.13-0ubuntu0.24.04.1", jammy: "10.6.22-0ubuntu0.22.04.1", repo: "-updates/universe", download_kb: 7724, size_kb: 35113, summary: "MariaDB database core server files", ..P },
    Pkg { name: "mariadb-common", on: UBUNTU, epoch: 1, version: "10.11.13-0ubuntu0.24.04.1", jammy: "10.6.22-0ubuntu0.22.04.1", noarch: true, repo: "-updates/universe", download_kb: 28, size_kb: 95, summary: "MariaDB database common files", ..P },
    Pkg { name: "mariadb-plugin-provider-bzip2", on: NOBLE, epoch: 1, version: "10.11.13-0ubuntu0.24.04.1", repo: "-updates/universe", download_kb: 13, size_kb: 51, summary: "BZip2 compression support in the server and storage engines", ..P },
    Pkg { name: "galera-4", on: UBUNTU, version: "26.4.16-2build4", jammy: "26.4.9-1build1", repo: "/universe", download_kb: 761, size_kb: 2567, summary: "Replication framework for transactional applications", ..P },
    Pkg { name: "libdbi-perl", on: UBUNTU, version: "1.643-4build3", jammy: "1.643-3build3", repo: "/main", download_kb: 722, size_kb: 2411, summary: "Perl Database Interface (DBI)", ..P },
    Pkg { name: "libdbd-mysql-perl", on: UBUNTU, version: "4.052-1ubuntu3", jammy: "4.050-5ubuntu0.22.04.1", repo: "/main", download_kb: 84, size_kb: 252, summary: "Perl5 database interface to the MariaDB/MySQL database", ..P },
    Pkg { name: "socat", on: UBUNTU, version: "1.8.0.0-4build3", jammy: "1.7.4.1-3ubuntu4", repo: "/main", download_kb: 374, size_kb: 1675, summary: "multipurpose relay for bidirectional data transfer", ..P },
    Pkg { name: "libaio1t64", on: NOBLE, version: "0.3.113-6build1.1", repo: "-updates/main", download_kb: 7, size_kb: 30, summary: "Linux kernel AIO access library - shared library", ..P },
    Pkg { name: "libaio1", on: JAMMY, version: "0.3.112-13build1", repo: "/main", download_kb: 7, size_kb: 30, summary: "Linux kernel AIO access library - shared library", ..P },
    Pkg { name: "pv", on: UBUNTU, version: "1.8.5-2build1", jammy: "1.6.6-1build2", repo: "/main", download_kb: 61, size_kb: 160, summary: "Shell pipeline element to meter data passing through", ..P },
    Pkg { name: "php", on: UBUNTU, epoch: 2, version: "8.3+93ubuntu2", jammy: "8.1+92ubuntu1", noarch: true, repo: "/main", download_kb: 4, size_kb: 13, summary: "server-side, HTML-embedded scripting language (default)", deps: &["php8.3", "php8.1"], ..P },
    Pkg { name: "php8.3", on: NOBLE, version: "8.3.6-0ubuntu0.24.04.5", noarch: true, repo: "-updates/main", download_kb: 9, size_kb: 50, summary: "server-side, HTML-embedded scripting language (metapackage)", deps: &["libapache2-mod-php8.3", "php8.3-cli", "php8.3-common", "php8.3-opcache", "php8.3-readline"], ..P },
    Pkg { name: "php8.1", on: JAMMY, version: "8.1.2-1ubuntu2.22", noarch: true, repo: "-updates/main", download_kb: 9, size_kb: 50, summary: "server-side, HTML-embedded scripting language (metapackage)", deps: &["libapache2-mod-php8.1", "php8.1-cli", "php8.1-common", "php8.1-opcache", "php8.1-readline"], ..P },
    Pkg { name: "libapache2-mod-php8.3", on: NOBLE, version: "8.3.6-0ubuntu0.24.04.5", repo: "-updates/main", download_kb: 1838, size_kb: 5678, summary: "server-side, HTML-embedded scripting language (Apache 2 module)", deps: &["apache2", "php8.3-cli", "php8.3-common"], files: &["/etc/apache2/mods-available/php8.3.conf", "/etc/apache2/mods-available/php8.3.load"], apache_module: true, ..P },
    Pkg { name: "libapache2-mod-php8.1", on: JAMMY, version: "8.1.2-1ubuntu2.22", repo: "-updates/main", download_kb: 1767, size_kb: 5449, summary: "server-side, HTML-embedded scripting language (Apache 2 module)", deps: &["apache2", "php8.1-cli", "php8.1-common"], files: &["/etc/apache2/mods-available/php8.1.conf", "/etc/apache2/mods-available/php8.1.load"], apache_module: true, ..P },
    Pkg { name: "libapache2-mod-php", on: UBUNTU, epoch: 2, version: "8.3+93ubuntu2", jammy: "8.1+92ubuntu1", noarch: true, repo: "/main", download_kb: 4, size_kb: 13, summary: "server-side, HTML-embedded scripting language (Apache 2 module) (default)", deps: &["libapache2-mod-php8.3", "libapache2-mod-php8.1"], ..P },
    Pkg { name: "php8.3-cli", on: NOBLE, version: "8.3.6-0ubuntu0.24.04.5", repo: "-updates/main", download_kb: 1917, size_kb: 5903, summary: "command-line interpreter for the PHP scripting language", files: &["/usr/bin/php8.3", "/usr/bin/php"], commands: &["php", "php8.3"], ..P },
    Pkg { name: "php8.1-cli", on: JAMMY, version: "8.1.2-1ubuntu2.22", repo: "-updates/main", download_kb: 1834, size_kb: 5690, summary: "command-line interpreter for the PHP scripting language", files: &["/usr/bin/php8.1", "/usr/bin/php"], commands: &["php", "php8.1"], ..P },
    Pkg { name: "php8.3-common", on: NOBLE, version: "8.3.6-0ubuntu0.24.04.5", repo: "-updates/main", download_kb: 740, size_kb: 4633, summary: "documentation, examples and common module for PHP", files: &["/etc/php/8.3/"], ..P },
    Pkg { name: "php8.1-common", on: JAMMY, version: "8.1.2-1ubuntu2.22", repo: "-updates/main", download_kb: 1127, size_kb: 6916, summary: "documentation, examples and common module for PHP", files: &["/etc/php/8.1/"], ..P },
    Pkg { name: "php8.3-opcache", on: NOBLE, version: "8.3.6-0ubuntu0.24.04.5", repo: "-updates/main", download_kb: 371, size_kb: 1407, summary: "Zend OpCache module for PHP", ..P },
    Pkg { name: "php8.1-opcache", on: JAMMY, version: "8.1.2-1ubuntu2.22", repo: "-updates/main", download_kb: 365, size_kb: 1381, summary: "Zend OpCache module for PHP", ..P },
    Pkg { name: "php8.3-readline", on: NOBLE, version: "8.3.6-0ubuntu0.24.04.5", repo: "-updates/main", download_kb: 13, size_kb: 57, summary: "readline module for PHP", ..P },
    Pkg { name: "php8.1-readline", on: JAMMY, version: "8.1.2-1ubuntu2.22", repo: "-updates/main", download_kb: 13, size_kb: 56, summary: "readline module for PHP", ..P },
    Pkg { name: "php-mysql", on: UBUNTU, epoch: 2, version: "8.3+93ubuntu2", jammy: "8.1+92ubuntu1", noarch: true, repo: "/main", download_kb: 4, size_kb: 13, summary: "MySQL module for PHP [default]", deps: &["php8.3-mysql", "php8.1-mysql"], ..P },
    Pkg { name: "php8.3-mysql", on: NOBLE, version: "8.3.6-0ubuntu0.24.04.5", repo: "-updates/main", download_kb: 126, size_kb: 485, summary: "MySQL module for PHP", deps: &["php8.3-common"], ..P },
    Pkg { name: "php8.1-mysql", on: JAMMY, version: "8.1.2-1ubuntu2.22", repo: "-updates/main", download_kb: 130, size_kb: 496, summary: "MySQL module for PHP", deps: &["php8.1-common"], ..P },
    Pkg { name: "php-fpm", on: UBUNTU, epoch: 2, version: "8.3+93ubuntu2", jammy: "8.1+92ubuntu1", noarch: true, repo: "/main", download_kb: 4, size_kb: 13, summary: "server-side, HTML-embedded scripting language (FPM-CGI binary) (default)", deps: &["php8.3-fpm", "php8.1-fpm"], ..P },
    Pkg { name: "php8.3-fpm", on: NOBLE, version: "8.3.6-0ubuntu0.24.04.5", repo: "-updates/universe", download_kb: 1924, size_kb: 5923, summary: "server-side, HTML-embedded scripting language (FPM-CGI binary)", deps: &["php8.3-cli", "php8.3-common"], files: &["/usr/sbin/php-fpm8.3", "/etc/php/8.3/fpm/"], services: &["php8.3-fpm"], ..P },
    Pkg { name: "php8.1-fpm", on: JAMMY, version: "8.1.2-1ubuntu2.22", repo: "-updates/universe", download_kb: 1838, size_kb: 5706, summary: "server-side, HTML-embedded scripting language (FPM-CGI binary)", deps: &["php8.1-cli", "php8.1-common"], files: &["/usr/sbin/php-fpm8.1", "/etc/php/8.1/fpm/"], services: &["php8.1-fpm"], ..P },
    Pkg { name: "git", on: UBUNTU, base: UBUNTU, epoch: 1, version: "2.43.0-1ubuntu7.3", jammy: "2.34.1-1ubuntu1.15", repo: "-updates/main", download_kb: 3679, size_kb: 19263, summary: "fast, scalable, distributed revision control system", files: &["/usr/bin/git"], commands: &["git"], ..P },
    Pkg { name: "wget", on: UBUNTU, base: UBUNTU, version: "1.21.4-1ubuntu4.1", jammy: "1.21.2-2ubuntu1.1", repo: "-updates/main", download_kb: 334, size_kb: 1042, summary: "retrieves files from the web", files: &["/usr/bin/wget", "/etc/wgetrc"], commands: &["wget"], ..P },
    Pkg { name: "htop", on: UBUNTU, base: UBUNTU, version: "3.3.0-4build1", jammy: "3.0.5-7build2", repo: "/main", download_kb: 171, size_kb: 434, summary: "interactive processes viewer", files: &["/usr/bin/htop"], commands: &["htop"], ..P },
    Pkg { name: "python3", on: UBUNTU, base: UBUNTU, version: "3.12.3-0ubuntu2", jammy: "3.10.6-1~22.04.1", repo: "-updates/main", download_kb: 23, size_kb: 90, summary: "interactive high-level object-oriented language (default python3 version)", files: &["/usr/bin/python3"], commands: &["python3"], ..P },
    Pkg { name: "docker.io", on: UBUNTU, version: "27.5.1-0ubuntu3~24.04.2", jammy: "27.5.1-0ubuntu3~22.04.2", repo: "-updates/universe", download_kb: 33587, size_kb: 120197, summary: "Linux container runtime",
          deps: &["containerd", "runc", "bridge-utils", "pigz", "ubuntu-fan", "dns-root-data", "dnsmasq-base", "iptables"],
          files: &["/usr/bin/docker", "/usr/sbin/dockerd", "/usr/lib/systemd/system/docker.service", "/usr/lib/systemd/system/docker.socket"], services: &["docker"], commands: &["docker"], ..P },
    Pkg { name: "containerd", on: UBUNTU, version: "1.7.27-0ubuntu1~24.04.1", jammy: "1.7.27-0ubuntu1~22.04.1", repo: "-updates/main", download_kb: 38436, size_kb: 147814, summary: "daemon to control runC", files: &["/usr/bin/containerd", "/usr/lib/systemd/system/containerd.service"], services: &["containerd"], ..P },
    Pkg { name: "runc", on: UBUNTU, version: "1.2.5-0ubuntu1~24.04.1", jammy: "1.2.5-0ubuntu1~22.04.1", repo: "-updates/main", download_kb: 8801, size_kb: 34406, summary: "Open Container Project - runtime", ..P },
    Pkg { name: "bridge-utils", on: UBUNTU, version: "1.7.1-1ubuntu2", jammy: "1.7-1ubuntu3", repo: "/main", download_kb: 33, size_kb: 109, summary: "Utilities for configuring the Linux Ethernet bridge", ..P },
    Pkg { name: "pigz", on: UBUNTU, version: "2.8-1", jammy: "2.6-1", repo: "/universe", download_kb: 65, size_kb: 209, summary: "Parallel Implementation of GZip", ..P },
    Pkg { name: "ubuntu-fan", on: UBUNTU, version: "0.12.16+24.04.1", jammy: "0.12.16", noarch: true, repo: "-updates/main", download_kb: 34, size_kb: 163, summary: "Ubuntu FAN network support enablement", ..P },
    Pkg { name: "dns-root-data", on: UBUNTU, version: "2024071801~ubuntu0.24.04.1", jammy: "2023112702~ubuntu0.22.04.1", noarch: true, repo: "-updates/main", download_kb: 5, size_kb: 15, summary: "DNS root data including root zone and DNSSEC key", ..P },
    Pkg { name: "dnsmasq-base", on: UBUNTU, version: "2.90-2ubuntu0.1", jammy: "2.90-0ubuntu0.22.04.1", repo: "-updates/main", download_kb: 376, size_kb: 985, summary: "Small caching DNS proxy and DHCP/TFTP server - executable", ..P },
    Pkg { name: "iptables", on: UBUNTU, version: "1.8.10-3ubuntu2", jammy: "1.8.7-1ubuntu5.2", repo: "/main", download_kb: 381, size_kb: 2735, summary: "administration tools for packet filtering and NAT", ..P },
    Pkg { name: "stress", on: UBUNTU, version: "1.0.7-1", jammy: "1.0.5-1", repo: "/universe", download_kb: 19, size_kb: 55, summary: "tool to impose load on and stress test a computer system", files: &["/usr/bin/stress"], commands: &["stress"], ..P },
    Pkg { name: "stress-ng", on: UBUNTU, version: "0.17.06-1build1", jammy: "0.13.12-2ubuntu1", repo: "/universe", download_kb: 2659, size_kb: 7968, summary: "tool to load and stress a computer", deps: &["libjudydebian1", "libsctp1"], files: &["/usr/bin/stress-ng"], commands: &["stress-ng"], ..P },
    Pkg { name: "libjudydebian1", on: UBUNTU, version: "1.0.5-5.1build1", jammy: "1.0.5-5", repo: "/universe", download_kb: 103, size_kb: 232, summary: "C library for creating and accessing dynamic arrays", ..P },
    Pkg { name: "libsctp1", on: UBUNTU, version: "1.0.19+dfsg-2build1", jammy: "1.0.19+dfsg-1build1", repo: "/main", download_kb: 9, size_kb: 37, summary: "user-space access to Linux kernel SCTP - shared library", ..P },
    Pkg { name: "jq", on: UBUNTU, version: "1.7.1-3ubuntu0.24.04.1", jammy: "1.6-2.1ubuntu3.1", repo: "-updates/main", download_kb: 65, size_kb: 155, summary: "lightweight and flexible command-line JSON processor", deps: &["libjq1", "libonig5"], files: &["/usr/bin/jq"], ..P },
    Pkg { name: "libjq1", on: UBUNTU, version: "1.7.1-3ubuntu0.24.04.1", jammy: "1.6-2.1ubuntu3.1", repo: "-updates/main", download_kb: 141, size_kb: 389, summary: "lightweight and flexible command-line JSON processor - shared library", ..P },
    Pkg { name: "libonig5", on: UBUNTU, version: "6.9.9-1build1", jammy: "6.9.7.1-2build1", repo: "/main", download_kb: 172, size_kb: 648, summary: "regular expressions library", ..P },
    Pkg { name: "nodejs", on: UBUNTU, version: "18.19.1+dfsg-6ubuntu5", jammy: "12.22.9~dfsg-1ubuntu3.6", repo: "/universe", download_kb: 306, size_kb: 1003, summary: "evented I/O for V8 javascript - runtime executable", deps: &["libnode109", "libnode72", "nodejs-doc"], files: &["/usr/bin/node", "/usr/bin/nodejs"], commands: &["node", "nodejs"], ..P },
    Pkg { name: "libnode109", on: NOBLE, version: "18.19.1+dfsg-6ubuntu5", repo: "/universe", download_kb: 11882, size_kb: 48425, summary: "evented I/O for V8 javascript - runtime library", ..P },
    Pkg { name: "libnode72", on: JAMMY, version: "12.22.9~dfsg-1ubuntu3.6", repo: "-updates/universe", download_kb: 10780, size_kb: 44432, summary: "evented I/O for V8 javascript - runtime library", ..P },
    Pkg { name: "nodejs-doc", on: UBUNTU, version: "18.19.1+dfsg-6ubuntu5", jammy: "12.22.9~dfsg-1ubuntu3.6", noarch: true, repo: "/universe", download_kb: 3553, size_kb: 32768, summary: "API documentation for Node.js, the javascript platform", ..P },
    Pkg { name: "npm", on: UBUNTU, version: "9.2.0~ds1-2", jammy: "8.5.1~ds-1", noarch: true, repo: "/universe", download_kb: 3768, size_kb: 23404, summary: "package manager for Node.js", deps: &["nodejs"], files: &["/usr/bin/npm"], commands: &["npm"], ..P },
    Pkg { name: "tree", on: UBUNTU, version: "2.1.1-2ubuntu3", jammy: "2.0.2-1", repo: "/universe", download_kb: 47, size_kb: 111, summary: "displays an indented directory tree, in color", files: &["/usr/bin/tree"], commands: &["tree"], ..P },
];

/// Every package row a distribution's repositories could offer (before extras filtering).
pub fn rows(d: Distro) -> impl Iterator<Item = &'static Pkg> {
    PACKAGES.iter().filter(move |p| p.on & d.bit() != 0)
}

// ---------------------------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------------------------

/// What a service does on the network, for the web layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Listener {
    None,
    /// Apache httpd / apache2: docroot `/var/www/html`.
    Apache,
    /// nginx: docroot `/usr/share/nginx/html` (Amazon Linux) or `/var/www/html` (Ubuntu).
    Nginx,
    /// MariaDB: a binary protocol.
    Mysql,
}

/// One systemd service unit.
#[derive(Clone, Copy, Debug)]
pub struct ServiceDef {
    pub name: &'static str,
    pub on: u8,
    pub description: &'static str,
    pub docs: &'static str,
    /// The main process's command line (`CGroup:` in `systemctl status`).
    pub exec: &'static str,
    pub listener: Listener,
    pub port: u16,
    /// How long `systemctl start` takes until the unit is active.
    pub start_ms: u64,
    pub tasks: u32,
    pub memory: &'static str,
    /// A file the service cannot start without ("" = none): a missing main configuration.
    pub config: &'static str,
    /// Enabled by the distribution's preset (`preset: enabled`).
    pub preset: bool,
    /// Ubuntu's packaging enables and starts it at installation (Debian policy).
    pub starts_on_install: bool,
    /// Part of the AMI: active from boot, not removable.
    pub base: bool,
    /// The line the service logs once it is up (journal in `systemctl status`).
    pub ready_log: &'static str,
}

const S: ServiceDef = ServiceDef {
    name: "",
    on: 0,
    description: "",
    docs: "",
    exec: "",
    listener: Listener::None,
    port: 0,
    start_ms: 300,
    tasks: 1,
    memory: "1.0M",
    config: "",
    preset: false,
    starts_on_install: false,
    base: false,
    ready_log: "",
};

pub static SERVICES: &[ServiceDef] = &[
    ServiceDef { name: "httpd", on: AMZN, description: "The Apache HTTP Server", docs: "man:httpd.service(8)", exec: "/usr/sbin/httpd -DFOREGROUND",
                 listener: Listener::Apache, port: 80, start_ms: 250, tasks: 177, memory: "13.1M", config: "/etc/httpd/conf/httpd.conf", ready_log: "Server configured, listening on: port 80", ..S },
    ServiceDef { name: "apache2", on: UBUNTU, description: "The Apache HTTP Server", docs: "https://httpd.apache.org/docs/2.4/", exec: "/usr/sbin/apache2 -k start",
                 listener: Listener::Apache, port: 80, start_ms: 200, tasks: 55, memory: "5.6M", config: "/etc/apache2/apache2.conf", preset: true, starts_on_install: true, ..S },
    ServiceDef { name: "nginx", on: AMZN, description: "The nginx HTTP and reverse proxy server", docs: "", exec: "nginx: master process /usr/sbin/nginx",
                 listener: Listener::Nginx, port: 80, start_ms: 150, tasks: 3, memory: "3.1M", config: "/etc/nginx/nginx.conf", ..S },
    ServiceDef { name: "nginx", on: UBUNTU, description: "A high performance web server and a reverse proxy server", docs: "man:nginx(8)", exec: "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;",
                 listener: Listener::Nginx, port: 80, start_ms: 150, tasks: 3, memory: "2.4M", config: "/etc/nginx/nginx.conf", preset: true, starts_on_install: true, ..S },
    ServiceDef { name: "mariadb", on: AMZN, description: "MariaDB database server", docs: "man:mariadbd(8)", exec: "/usr/libexec/mariadbd --basedir=/usr",
                 listener: Listener::Mysql, port: 3306, start_ms: 3200, tasks: 8, memory: "88.4M", config: "", ready_log: "Started MariaDB database server.", ..S },
    ServiceDef { name: "mariadb", on: UBUNTU, description: "MariaDB database server", docs: "man:mariadbd(8)", exec: "/usr/sbin/mariadbd",
                 listener: Listener::Mysql, port: 3306, start_ms: 1800, tasks: 9, memory: "80.2M", preset: true, starts_on_install: true, ..S },
    ServiceDef { name: "php-fpm", on: AMZN, description: "The PHP FastCGI Process Manager", exec: "php-fpm: master process (/etc/php-fpm.conf)", start_ms: 400, tasks: 6, memory: "12.6M", ..S },
    ServiceDef { name: "php8.3-fpm", on: NOBLE, description: "The PHP 8.3 FastCGI Process Manager", docs: "man:php-fpm8.3(8)", exec: "php-fpm: master process (/etc/php/8.3/fpm/php-fpm.conf)", start_ms: 400, tasks: 3, memory: "9.8M", preset: true, starts_on_install: true, ..S },
    ServiceDef { name: "php8.1-fpm", on: JAMMY, description: "The PHP 8.1 FastCGI Process Manager", docs: "man:php-fpm8.1(8)", exec: "php-fpm: master process (/etc/php/8.1/fpm/php-fpm.conf)", start_ms: 400, tasks: 3, memory: "9.5M", preset: true, starts_on_install: true, ..S },
    ServiceDef { name: "docker", on: ALL, description: "Docker Application Container Engine", docs: "https://docs.docker.com", exec: "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock",
                 start_ms: 1400, tasks: 8, memory: "27.9M", starts_on_install: true, ..S },
    ServiceDef { name: "containerd", on: ALL, description: "containerd container runtime", docs: "https://containerd.io", exec: "/usr/bin/containerd", start_ms: 300, tasks: 7, memory: "14.2M", starts_on_install: true, ..S },
    ServiceDef { name: "amazon-cloudwatch-agent", on: AMZN, description: "Amazon CloudWatch Agent", exec: "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent",
                 start_ms: 500, tasks: 7, memory: "31.0M", config: "/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.toml", ..S },
    // The base system: running on every boot of the AMI.
    ServiceDef { name: "sshd", on: AMZN, description: "OpenSSH server daemon", docs: "man:sshd(8) man:sshd_config(5)", exec: "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", port: 22, tasks: 1, memory: "3.9M", preset: true, base: true, ..S },
    ServiceDef { name: "ssh", on: UBUNTU, description: "OpenBSD Secure Shell server", docs: "man:sshd(8) man:sshd_config(5)", exec: "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups", port: 22, tasks: 1, memory: "2.2M", preset: true, base: true, ..S },
    ServiceDef { name: "chronyd", on: AMZN, description: "NTP client/server", docs: "man:chronyd(8) man:chrony.conf(5)", exec: "/usr/sbin/chronyd -F 2", tasks: 1, memory: "2.1M", preset: true, base: true, ..S },
    ServiceDef { name: "chrony", on: NOBLE, description: "chrony, an NTP client/server", docs: "man:chronyd(8) man:chronyc(1) man:chrony.conf(5)", exec: "/usr/sbin/chronyd -F 1", tasks: 2, memory: "1.9M", preset: true, base: true, ..S },
    ServiceDef { name: "systemd-timesyncd", on: JAMMY, description: "Network Time Synchronization", docs: "man:systemd-timesyncd.service(8)", exec: "/lib/systemd/systemd-timesyncd", tasks: 2, memory: "1.3M", preset: true, base: true, ..S },
    ServiceDef { name: "amazon-ssm-agent", on: AMZN, description: "amazon-ssm-agent", exec: "/usr/bin/amazon-ssm-agent", tasks: 9, memory: "22.4M", preset: true, base: true, ..S },
    ServiceDef { name: "snap.amazon-ssm-agent.amazon-ssm-agent", on: UBUNTU, description: "Service for snap application amazon-ssm-agent.amazon-ssm-agent", exec: "/snap/amazon-ssm-agent/11320/amazon-ssm-agent", tasks: 9, memory: "21.7M", preset: true, base: true, ..S },
    ServiceDef { name: "systemd-journald", on: ALL, description: "Journal Service", docs: "man:systemd-journald.service(8) man:journald.conf(5)", exec: "/usr/lib/systemd/systemd-journald", tasks: 1, memory: "4.7M", preset: true, base: true, ..S },
];

pub fn service(d: Distro, name: &str) -> Option<&'static ServiceDef> {
    SERVICES.iter().find(|s| s.on & d.bit() != 0 && s.name == name)
}

pub fn base_services(d: Distro) -> impl Iterator<Item = &'static ServiceDef> {
    SERVICES.iter().filter(move |s| s.on & d.bit() != 0 && s.base)
}
