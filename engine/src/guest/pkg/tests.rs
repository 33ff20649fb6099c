//! Package managers, services and web serving, driven through the console as a learner would.

use crate::console::Lab;
use crate::guest::web::{self, WebAnswer};
use crate::imds::{HttpRequest, HttpResponse};

const AL2023: &str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
const AL2: &str = "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2";
const NOBLE: &str = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id";
const JAMMY: &str = "/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id";

/// A lab with one running instance of `ami`, the console connected to it as its login user.
fn on(ami: &str) -> (Lab, String) {
    let mut lab = Lab::new(11);
    let o = lab.run(&format!("aws ec2 run-instances --image-id resolve:ssm:{ami} --instance-type t3.micro --query 'Instances[0].InstanceId' --output text"));
    assert_eq!(o.exit, 0, "{}", o.stderr);
    let id = o.stdout.trim().to_string();
    lab.run(&format!("aws ec2 wait instance-running --instance-ids {id}"));
    lab.run("lab advance 30s");
    let o = lab.run(&format!("lab connect {id}"));
    assert_eq!(o.exit, 0, "{}", o.stderr);
    (lab, id)
}

fn ok(lab: &mut Lab, cmd: &str) -> String {
    let o = lab.run(cmd);
    assert_eq!(o.exit, 0, "`{cmd}` failed ({}):\n{}\n{}", o.exit, o.stdout, o.stderr);
    o.stdout
}

fn get(lab: &Lab, id: &str, port: u16, path: &str) -> WebAnswer {
    let mut world = lab.world().clone();
    let req = HttpRequest { method: "GET".into(), path: path.into(), headers: vec![("Host".into(), "example".into())], hops: 0, ipv6: false };
    web::serve(&mut world, id, port, &req)
}

fn response(a: WebAnswer) -> HttpResponse {
    match a {
        WebAnswer::Response(r) => r,
        other => panic!("expected an HTTP response, got {other:?}"),
    }
}

fn header<'a>(r: &'a HttpResponse, name: &str) -> &'a str {
    r.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no {name} header in {:?}", r.headers))
}

fn packages(lab: &Lab, id: &str) -> Vec<String> {
    lab.world().compute.get(id).map(|i| i.guest.packages.iter().cloned().collect()).unwrap_or_default()
}

#[test]
fn dnf_needs_root_then_installs_with_dependencies_and_time() {
    let (mut lab, id) = on(AL2023);
    let o = lab.run("dnf install -y httpd");
    assert_eq!(o.exit, 1);
    assert_eq!(o.stderr, "Error: This command has to be run with superuser privileges (under the root user on most systems).\n");
    assert!(packages(&lab, &id).is_empty());
    let before = lab.now();
    let out = ok(&mut lab, "sudo dnf install -y httpd");
    let took = lab.now().0 - before.0;
    assert!((3_000..60_000).contains(&took), "an install takes seconds of virtual time, took {took} ms");
    assert!(out.contains("Amazon Linux 2023 repository"), "first run fetches metadata:\n{out}");
    assert!(out.contains("Installing:\n httpd "), "{out}");
    assert!(out.contains("Installing dependencies:\n apr "), "{out}");
    assert!(out.contains("Installing weak dependencies:"), "{out}");
    assert!(out.contains("Install  12 Packages"), "{out}");
    assert!(out.ends_with("\nComplete!\n"), "{out}");
    let pk = packages(&lab, &id);
    assert!(pk.contains(&"httpd".to_string()) && pk.contains(&"httpd-core".to_string()) && pk.contains(&"mod_lua".to_string()));
    assert_eq!(ok(&mut lab, "rpm -q httpd"), "httpd-2.4.62-1.amzn2023.x86_64\n");
    assert!(ok(&mut lab, "cat /etc/httpd/conf/httpd.conf").contains("DocumentRoot \"/var/www/html\""));
    assert_eq!(ok(&mut lab, "ls -d /var/www/html"), "/var/www/html\n");
    assert!(ok(&mut lab, "httpd -v").starts_with("Server version: Apache/2.4.62 (Amazon Linux)\n"));
    // Again: nothing to do, and the metadata is now cached.
    let again = ok(&mut lab, "sudo dnf install -y httpd");
    assert!(again.starts_with("Last metadata expiration check: "), "{again}");
    assert!(again.contains("Package httpd-2.4.62-1.amzn2023.x86_64 is already installed.\nDependencies resolved.\nNothing to do.\nComplete!\n"), "{again}");
    // Installed, but not started: Amazon Linux does not start services at installation.
    assert_eq!(lab.run("systemctl is-active httpd").stdout, "inactive\n");
    assert_eq!(get(&lab, &id, 80, "/"), WebAnswer::Refused);
}

#[test]
fn unknown_packages_fail_like_each_manager() {
    let (mut lab, _) = on(AL2023);
    let o = lab.run("sudo dnf install -y nosuchpkg");
    assert_eq!(o.exit, 1);
    assert!(o.stdout.contains("No match for argument: nosuchpkg\n"), "{}", o.stdout);
    assert_eq!(o.stderr, "Error: Unable to find a match: nosuchpkg\n");
    // stress is not in Amazon Linux 2023's repositories (stress-ng is).
    assert_eq!(lab.run("sudo dnf install -y stress").exit, 1);
    assert_eq!(lab.run("sudo dnf install -y -q stress-ng").exit, 0);

    let (mut lab, id) = on(AL2);
    let o = lab.run("sudo yum install -y nosuchpkg");
    assert_eq!(o.exit, 1);
    assert!(o.stdout.contains("No package nosuchpkg available.\n"), "{}", o.stdout);
    assert_eq!(o.stderr, "Error: Nothing to do\n");
    // nginx lives in an extras topic on Amazon Linux 2.
    let o = lab.run("sudo yum install -y nginx");
    assert_eq!(o.exit, 1);
    assert!(o.stdout.contains("sudo amazon-linux-extras install nginx1"), "{}", o.stdout);
    let out = ok(&mut lab, "sudo amazon-linux-extras install -y nginx1");
    assert!(out.contains("Installing nginx\n") && out.contains("Complete!"), "{out}");
    assert!(packages(&lab, &id).contains(&"nginx".to_string()));
    assert!(lab.run("nginx -v").stderr.starts_with("nginx version: nginx/1.22.1"));

    let (mut lab, _) = on(NOBLE);
    let o = lab.run("sudo apt-get install -y nosuchpkg");
    assert_eq!((o.exit, o.stderr.as_str()), (100, "E: Unable to locate package nosuchpkg\n"));
}

#[test]
fn each_distribution_has_its_own_tools() {
    let (mut lab, _) = on(AL2023);
    for cmd in ["apt-get update", "apt install nginx", "dpkg -l", "amazon-linux-extras list"] {
        let o = lab.run(cmd);
        assert_eq!(o.exit, 127, "{cmd}");
        assert!(o.stderr.contains("command not found"), "{cmd}: {}", o.stderr);
    }
    assert_eq!(lab.run("yum --version").stdout, "4.14.0\n", "yum is dnf on Amazon Linux 2023");
    let (mut lab, _) = on(AL2);
    assert_eq!(lab.run("dnf install -y httpd").exit, 127);
    let (mut lab, _) = on(NOBLE);
    assert_eq!(lab.run("sudo yum install -y httpd").exit, 127);
    assert_eq!(lab.run("rpm -q bash").exit, 127);
    // Nothing of this exists on the workstation.
    lab.run("exit");
    assert_eq!(lab.run("dnf --version").exit, 127);
    assert_eq!(lab.run("systemctl status httpd").exit, 127);
}

#[test]
fn prompts_abort_without_yes_unless_answered() {
    let (mut lab, id) = on(AL2023);
    let o = lab.run("sudo dnf install httpd");
    assert_eq!(o.exit, 1);
    assert!(o.stdout.ends_with("Is this ok [y/N]: Operation aborted.\n"), "{}", o.stdout);
    assert!(o.stderr.contains("add -y"), "{}", o.stderr);
    assert!(packages(&lab, &id).is_empty());
    ok(&mut lab, "echo y | sudo dnf install httpd");
    assert!(packages(&lab, &id).contains(&"httpd".to_string()));
}

#[test]
fn dnf_remove_takes_unused_dependencies_and_the_service() {
    let (mut lab, id) = on(AL2023);
    ok(&mut lab, "sudo dnf install -y httpd wget");
    ok(&mut lab, "sudo systemctl enable --now httpd");
    let out = ok(&mut lab, "sudo dnf remove -y httpd");
    assert!(out.contains("Removing:\n httpd ") && out.contains("Removing unused dependencies:\n apr "), "{out}");
    assert!(out.contains("Remove  12 Packages"), "{out}");
    assert_eq!(packages(&lab, &id), vec!["wget".to_string()]);
    assert_eq!(lab.run("rpm -q httpd").stdout, "package httpd is not installed\n");
    assert_eq!(lab.run("ls /usr/sbin/httpd").exit, 2);
    let o = lab.run("systemctl status httpd");
    assert_eq!((o.exit, o.stderr.as_str()), (4, "Unit httpd.service could not be found.\n"));
    assert_eq!(lab.run("httpd -v").exit, 127);
    let o = lab.run("sudo dnf remove -y httpd");
    assert_eq!(o.exit, 0);
    assert!(o.stdout.contains("No match for argument: httpd"));
}

#[test]
fn systemctl_speaks_systemd() {
    let (mut lab, id) = on(AL2023);
    let o = lab.run("sudo systemctl start httpd");
    assert_eq!((o.exit, o.stderr.as_str()), (5, "Failed to start httpd.service: Unit httpd.service not found.\n"));
    ok(&mut lab, "sudo dnf install -y -q httpd");
    let o = lab.run("systemctl start httpd");
    assert_eq!(o.exit, 4);
    assert!(o.stderr.starts_with("Failed to start httpd.service: Access denied\n"), "{}", o.stderr);
    let o = lab.run("systemctl status httpd");
    assert_eq!(o.exit, 3);
    assert!(o.stdout.starts_with("\u{25cb} httpd.service - The Apache HTTP Server\n     Loaded: loaded (/usr/lib/systemd/system/httpd.service; disabled; preset: disabled)\n     Active: inactive (dead)\n"), "{}", o.stdout);
    let o = lab.run("sudo systemctl enable httpd");
    assert_eq!(o.exit, 0);
    assert_eq!(o.stderr, "Created symlink /etc/systemd/system/multi-user.target.wants/httpd.service \u{2192} /usr/lib/systemd/system/httpd.service.\n");
    assert_eq!(lab.run("systemctl is-enabled httpd").stdout, "enabled\n");
    assert_eq!(lab.run("systemctl is-active httpd").exit, 3);
    ok(&mut lab, "sudo systemctl start httpd.service");
    let o = lab.run("systemctl is-active httpd");
    assert_eq!((o.exit, o.stdout.as_str()), (0, "active\n"));
    lab.run("lab advance 63s");
    let o = lab.run("systemctl status httpd");
    assert_eq!(o.exit, 0);
    assert!(o.stdout.contains("     Active: active (running) since Mon 2026-01-05 "), "{}", o.stdout);
    assert!(o.stdout.contains("; 1min 3s ago\n"), "{}", o.stdout);
    assert!(o.stdout.contains("systemd[1]: Started httpd.service - The Apache HTTP Server.\n"), "{}", o.stdout);
    let o = lab.run("sudo service httpd stop");
    assert_eq!(o.stderr, "Redirecting to /bin/systemctl stop httpd.service\n");
    assert_eq!(lab.run("systemctl is-active httpd").stdout, "inactive\n");
    let o = lab.run("sudo systemctl disable httpd");
    assert_eq!(o.stderr, "Removed \"/etc/systemd/system/multi-user.target.wants/httpd.service\".\n");
    assert!(lab.run("systemctl list-units --type=service").stdout.contains("sshd.service"));
    assert!(lab.world().compute.get(&id).is_some_and(|i| !i.guest.services["httpd"].enabled));
}

#[test]
fn a_second_server_on_port_80_fails() {
    let (mut lab, _) = on(AL2023);
    ok(&mut lab, "sudo dnf install -y -q httpd nginx");
    ok(&mut lab, "sudo systemctl start httpd");
    let o = lab.run("sudo systemctl start nginx");
    assert_eq!(o.exit, 1);
    assert!(o.stderr.starts_with("Job for nginx.service failed because the control process exited with error code.\n"), "{}", o.stderr);
    let o = lab.run("systemctl status nginx");
    assert_eq!(o.exit, 3);
    assert!(o.stdout.starts_with("\u{d7} nginx.service"), "{}", o.stdout);
    assert!(o.stdout.contains("bind() to 0.0.0.0:80 failed (98: Address already in use)"), "{}", o.stdout);
    assert_eq!(lab.run("systemctl is-failed nginx").stdout, "failed\n");
    ok(&mut lab, "sudo systemctl stop httpd");
    ok(&mut lab, "sudo systemctl restart nginx");
    assert_eq!(lab.run("systemctl is-active nginx").stdout, "active\n");
}

#[test]
fn httpd_serves_the_test_page_then_the_learners_page() {
    let (mut lab, id) = on(AL2023);
    ok(&mut lab, "sudo dnf install -y -q httpd");
    ok(&mut lab, "sudo systemctl start httpd");
    let r = response(get(&lab, &id, 80, "/"));
    assert_eq!(r.status, 403, "no index.html: the test page, as a 403");
    assert!(String::from_utf8_lossy(&r.body).contains("It works!"));
    assert_eq!(header(&r, "Server"), "Apache/2.4.62 (Amazon Linux)");
    assert!(header(&r, "Date").ends_with(" GMT"));
    ok(&mut lab, "echo '<h1>Hello from EC2</h1>' | sudo tee /var/www/html/index.html");
    let r = response(get(&lab, &id, 80, "/"));
    assert_eq!((r.status, r.body.as_slice()), (200, &b"<h1>Hello from EC2</h1>\n"[..]));
    assert_eq!(header(&r, "Content-Type"), "text/html; charset=UTF-8");
    assert_eq!(header(&r, "Content-Length"), "24");
    assert!(header(&r, "ETag").starts_with("\"18-"));
    let r = response(get(&lab, &id, 80, "/missing.html"));
    assert_eq!(r.status, 404);
    assert!(String::from_utf8_lossy(&r.body).contains("<h1>Not Found</h1>"));
    ok(&mut lab, "sudo mkdir /var/www/html/docs");
    let r = response(get(&lab, &id, 80, "/docs"));
    assert_eq!((r.status, header(&r, "Location")), (301, "http://example/docs/"));
    assert_eq!(get(&lab, &id, 443, "/"), WebAnswer::Refused);
    assert_eq!(get(&lab, &id, 8080, "/"), WebAnswer::Refused);
}

#[test]
fn nginx_serves_its_own_docroot() {
    let (mut lab, id) = on(AL2023);
    ok(&mut lab, "sudo dnf install -y -q nginx");
    ok(&mut lab, "sudo systemctl enable --now nginx");
    let r = response(get(&lab, &id, 80, "/"));
    assert_eq!(r.status, 200);
    assert!(String::from_utf8_lossy(&r.body).contains("Welcome to nginx!"));
    assert_eq!(header(&r, "Server"), "nginx/1.24.0");
    let r = response(get(&lab, &id, 80, "/nope"));
    assert_eq!(r.status, 404);
    // /var/www/html is Apache's; nginx on Amazon Linux serves /usr/share/nginx/html.
    ok(&mut lab, "sudo mkdir -p /var/www/html && echo hi | sudo tee /var/www/html/index.html");
    assert!(String::from_utf8_lossy(&response(get(&lab, &id, 80, "/")).body).contains("Welcome to nginx!"));
}

#[test]
fn ubuntu_needs_apt_update_and_starts_services_at_install() {
    let (mut lab, id) = on(NOBLE);
    let o = lab.run("sudo apt-get install -y apache2");
    assert_eq!((o.exit, o.stderr.as_str()), (100, "E: Unable to locate package apache2\n"));
    let o = lab.run("apt-get update");
    assert_eq!(o.exit, 100);
    assert!(o.stderr.starts_with("E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)\n"));
    let o = lab.run("apt-get install -y apache2");
    assert_eq!(o.exit, 100);
    assert!(o.stderr.contains("are you root?"));
    let up = ok(&mut lab, "sudo apt-get update");
    assert!(up.contains("noble InRelease") && up.ends_with("Reading package lists... Done\n"), "{up}");
    let out = ok(&mut lab, "sudo apt-get install -y apache2");
    assert!(out.contains("The following NEW packages will be installed:\n  apache2 apache2-bin"), "{out}");
    assert!(out.contains("Setting up apache2 (2.4.58-1ubuntu8.8) ...\n"), "{out}");
    assert!(out.contains("Created symlink /etc/systemd/system/multi-user.target.wants/apache2.service \u{2192} /usr/lib/systemd/system/apache2.service.\n"), "{out}");
    assert_eq!(lab.run("systemctl is-active apache2").stdout, "active\n");
    let inst = lab.world().compute.get(&id).unwrap();
    assert!(inst.guest.timeline.service_at.is_some());
    let r = response(get(&lab, &id, 80, "/"));
    assert_eq!(r.status, 200);
    assert!(String::from_utf8_lossy(&r.body).contains("Apache2 Ubuntu Default Page"));
    assert_eq!(header(&r, "Server"), "Apache/2.4.58 (Ubuntu)");
    assert!(ok(&mut lab, "dpkg -l apache2").contains("ii  apache2 "));
    assert!(ok(&mut lab, "apt list --installed 2>/dev/null").contains("apache2/noble-updates,now 2.4.58-1ubuntu8.8 amd64 [installed]\n"));
    // Already there, and git comes with the AMI.
    assert!(ok(&mut lab, "sudo apt-get install -y git").contains("git is already the newest version (1:2.43.0-1ubuntu7.3).\n"));
    let o = lab.run("sudo apt-get remove apache2");
    assert_eq!(o.exit, 1);
    assert!(o.stdout.ends_with("Do you want to continue? [Y/n] Abort.\n"));
    let out = ok(&mut lab, "sudo apt-get remove -y apache2");
    assert!(out.contains("Use 'sudo apt autoremove' to remove them.\n"), "{out}");
    assert_eq!(lab.run("systemctl is-active apache2").stdout, "inactive\n");
    assert_eq!(get(&lab, &id, 80, "/"), WebAnswer::Refused);

    let (mut lab, _) = on(JAMMY);
    ok(&mut lab, "sudo apt-get update -qq");
    let out = ok(&mut lab, "sudo apt-get install -y nginx");
    assert!(out.contains("Setting up nginx (1.18.0-6ubuntu14.7) ...\n"), "{out}");
    assert!(out.contains("\u{2192} /lib/systemd/system/nginx.service."), "{out}");
}

#[test]
fn a_service_answers_from_its_start_time_on() {
    let (mut lab, id) = on(AL2023);
    ok(&mut lab, "sudo dnf install -y -q httpd");
    // A boot script started httpd on its guest clock, 20 s ahead of the world's.
    let mut world = lab.world().clone();
    let at = world.now().plus(20_000);
    {
        let inst = world.compute.get_mut(&id).unwrap();
        let d = crate::guest::pkg::distro(inst);
        crate::guest::services::start(inst, d, "httpd", at).unwrap();
        assert_eq!(inst.guest.timeline.service_at, Some(at));
    }
    let req = HttpRequest { method: "GET".into(), path: "/".into(), ..Default::default() };
    assert_eq!(web::serve(&mut world, &id, 80, &req), WebAnswer::Refused);
    assert!(matches!(web::serve_at(&mut world, &id, 80, &req, at), WebAnswer::Response(_)));
    world.advance(20_000);
    assert!(matches!(web::serve(&mut world, &id, 80, &req), WebAnswer::Response(_)));
    // Started again later: the first time it answered stays the milestone.
    let inst = world.compute.get_mut(&id).unwrap();
    crate::guest::services::stop(inst, "httpd");
    crate::guest::services::start(inst, crate::guest::pkg::Distro::Al2023, "httpd", at.plus(60_000)).unwrap();
    assert_eq!(inst.guest.timeline.service_at, Some(at));
}

#[test]
fn stop_and_start_run_only_enabled_services() {
    let (mut lab, id) = on(AL2023);
    ok(&mut lab, "sudo dnf install -y -q httpd nginx mariadb105-server");
    ok(&mut lab, "sudo systemctl enable --now httpd");
    ok(&mut lab, "sudo systemctl start mariadb");
    assert!(matches!(get(&lab, &id, 3306, "/"), WebAnswer::NotHttp(_)));
    lab.run("exit");
    ok(&mut lab, &format!("aws ec2 stop-instances --instance-ids {id}"));
    {
        let inst = lab.world().compute.get(&id).unwrap();
        assert!(inst.guest.services.values().all(|s| s.active_from.is_none()), "stopping stops every service");
    }
    ok(&mut lab, &format!("aws ec2 wait instance-stopped --instance-ids {id}"));
    ok(&mut lab, &format!("aws ec2 start-instances --instance-ids {id}"));
    ok(&mut lab, &format!("aws ec2 wait instance-running --instance-ids {id}"));
    lab.run("lab advance 30s");
    let inst = lab.world().compute.get(&id).unwrap();
    let now = lab.now();
    assert!(crate::guest::services::is_active(inst, "httpd", now), "enabled: started at boot");
    assert!(!crate::guest::services::is_active(inst, "mariadb", now), "started by hand, not enabled: not after a reboot");
    assert!(crate::guest::services::is_active(inst, "sshd", now));
    assert!(matches!(get(&lab, &id, 80, "/"), WebAnswer::Response(_)));
    assert_eq!(get(&lab, &id, 3306, "/"), WebAnswer::Refused);
}

#[test]
fn php_runs_once_the_server_has_loaded_it() {
    let (mut lab, id) = on(AL2023);
    ok(&mut lab, "sudo dnf install -y -q httpd");
    ok(&mut lab, "sudo systemctl start httpd");
    ok(&mut lab, "echo '<?php echo \"Hello from \" . gethostname(); ?>' | sudo tee /var/www/html/index.php");
    // No PHP: the source goes out as a file.
    let r = response(get(&lab, &id, 80, "/index.php"));
    assert!(String::from_utf8_lossy(&r.body).contains("<?php"));
    ok(&mut lab, "sudo dnf install -y -q php php-mysqli");
    assert!(lab.run("php -v").stdout.starts_with("PHP 8.4.14 (cli)"));
    // Installed after httpd started: not loaded until a restart.
    let r = response(get(&lab, &id, 80, "/index.php"));
    assert!(String::from_utf8_lossy(&r.body).contains("<?php"));
    ok(&mut lab, "sudo systemctl restart httpd");
    assert_eq!(lab.run("systemctl is-active php-fpm").stdout, "active\n", "httpd wants php-fpm");
    let r = response(get(&lab, &id, 80, "/index.php"));
    let host = lab.world().compute.get(&id).unwrap().short_hostname();
    assert_eq!(String::from_utf8_lossy(&r.body), format!("Hello from {host}"));
    // `/` now prefers index.php.
    let r = response(get(&lab, &id, 80, "/"));
    assert_eq!(r.status, 200);
    ok(&mut lab, "sudo systemctl stop php-fpm");
    assert_eq!(response(get(&lab, &id, 80, "/index.php")).status, 503);
    assert_eq!(ok(&mut lab, "php -r 'echo 1 . \"+\" . 1;'"), "1+1");
}

#[test]
fn programs_of_installed_packages() {
    let (mut lab, _) = on(AL2023);
    assert_eq!(lab.run("git --version").exit, 127);
    ok(&mut lab, "sudo dnf install -y -q git mariadb105-server stress-ng");
    assert_eq!(ok(&mut lab, "git --version"), "git version 2.50.1\n");
    assert_eq!(ok(&mut lab, "/usr/bin/git --version"), "git version 2.50.1\n");
    assert!(ok(&mut lab, "mysql --version").contains("Distrib 10.5.29-MariaDB"));
    let o = lab.run("mysql -u root");
    assert_eq!(o.exit, 1);
    assert!(o.stderr.starts_with("ERROR 2002 (HY000): Can't connect to local server through socket"));
    let o = lab.run("git clone https://example.com/x.git");
    assert_eq!((o.exit, o.stderr.as_str()), (1, "ec2lab: git clone is not simulated yet\n"));
    let before = lab.now();
    let o = lab.run("stress-ng --cpu 2 --timeout 90s");
    assert_eq!(o.exit, 0);
    assert_eq!(lab.now().0 - before.0, 90_000, "stress takes the time it is told to");
    assert!(lab.run("stress-ng --cpu 2").stderr.contains("--timeout"));
    assert_eq!(ok(&mut lab, "python3 --version"), "Python 3.9.24\n");
}

#[test]
fn wget_fetches_from_the_instance_itself() {
    let (mut lab, _) = on(AL2023);
    ok(&mut lab, "sudo dnf install -y -q httpd wget");
    let o = lab.run("wget http://localhost/");
    assert_eq!(o.exit, 4);
    assert!(o.stderr.contains("failed: Connection refused."), "{}", o.stderr);
    ok(&mut lab, "sudo systemctl start httpd && echo hello | sudo tee /var/www/html/index.html");
    let o = lab.run("wget http://localhost/");
    assert_eq!(o.exit, 0, "{}", o.stderr);
    assert!(o.stderr.contains("HTTP request sent, awaiting response... 200 OK\nLength: 6 [text/html]\n"), "{}", o.stderr);
    assert_eq!(ok(&mut lab, "cat index.html"), "hello\n");
    assert_eq!(ok(&mut lab, "wget -qO- http://127.0.0.1/"), "hello\n");
    assert_eq!(lab.run("wget -q http://127.0.0.1/nope").exit, 8);
    assert_eq!(lab.run("wget -q https://example.com/").exit, 4);
}

#[test]
fn nasty_arguments_never_panic() {
    let words = [
        "dnf", "yum", "apt", "apt-get", "apt-cache", "rpm", "dpkg", "systemctl", "service", "amazon-linux-extras", "httpd", "nginx", "php", "wget",
        "stress", "stress-ng", "tree", "git", "mysql", "sudo", "install", "remove", "-y", "-q", "-qa", "-ql", "-L", "-l", "-s", "--now", "enable",
        "start", "status", "httpd", "nginx", "*", "?", "''", "\u{e9}\u{301}", "-\u{e9}", "%", "%%", "http://", "http://:/", "http://localhost:99999/",
        "-t", "--timeout", "-1", "999999999999999999999", "-r", "'<?php echo'", "\"<?= ?>\"", "list", "installed", "search", "info", "--type=",
        "php-fpm", "mariadb", "apache2", "nginx1", "epel", "-O", "-qO-", "--cpu", "1", "60s", "/", "..", "../../etc", "-S", "-qf", "is-active",
    ];
    for ami in [AL2023, AL2, NOBLE] {
        let (mut lab, _) = on(ami);
        lab.run("sudo dnf install -y -q httpd php wget stress-ng git; sudo yum install -y -q httpd; sudo apt-get update -qq; sudo apt-get install -y -q nginx php tree");
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..250 {
            let mut line = String::new();
            for _ in 0..(1 + x % 6) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                line.push_str(words[(x % words.len() as u64) as usize]);
                line.push(' ');
            }
            let _ = lab.run(&line);
        }
        for line in ["wget -O", "php -r", "stress --timeout", "stress --cpu x --timeout 1s", "systemctl status", "service", "rpm -q", "dpkg -S", "apt-get install ''", "curl localhost/%", "wget http://localhost/%E9%", "php -r 'echo date(\"\u{e9}\");'", "php -r 'echo (;'"] {
            let _ = lab.run(line);
        }
    }
}
