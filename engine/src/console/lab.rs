//! `lab`: commands that drive the simulation itself (not part of AWS), and `help`.

use super::shell::{CmdOut, Invocation};
use super::{Action, Machine};
use crate::clock::{fmt_duration, parse_duration, EPOCH_START_MS};
use crate::compute::{Instance, State};

mod failures;

pub const LAB_HELP: &str = "\
lab: drive the simulation (these commands do not exist in AWS)

  lab clock               show the virtual time and how long the lab has run
  lab advance DURATION    move the virtual clock forward, e.g. 30s, 10m, 2h, 1h30m
  lab connect INSTANCE-ID open a shell on a running instance (like the EC2 console's
                          Connect button); `exit` brings you back
  lab exec INSTANCE-ID COMMAND [ARGS…]
                          run a command on a running instance as root and show its
                          output (like a remote command sent through an agent)
  lab fail rack RACK-ID [--power|--network]
  lab fail host HOST-ID
  lab fail az AZ-NAME [--power|--network]
                          break hardware (power is the default): instances there
                          fail their status checks, and automatic recovery or a
                          scheduled stop follows (HOST-ID: us-east-1a-r03-h2, or
                          one of your Dedicated Hosts' h- ids)
  lab fail --list         what is broken now, one line each
  lab repair rack RACK-ID | host HOST-ID | az AZ-NAME | all
                          mend it again
  lab where [INSTANCE-ID…]
                          where instances run: AZ, rack, host, placement group,
                          tenancy, and whether that hardware is up
  lab where --rack|--host INSTANCE-ID…
                          just the rack (or host) id of each, one per line
  lab schedule-event INSTANCE-ID CODE [--in DURATION]
                          schedule an AWS event (instance-reboot, system-reboot,
                          system-maintenance, instance-retirement, instance-stop),
                          1h ahead unless --in says otherwise
  lab account partner     a second AWS account (210987654321) to share Dedicated Hosts
                          with through AWS RAM: writes its [partner] profile
  lab reset               throw this world away and start again from the same seed
  lab seed                show the seed this world was built from
  lab help                this text

Time only moves when you move it: `lab advance`, `sleep`, `aws ec2 wait …`, or the
play button in the browser.
";

pub fn general_help(on_instance: bool) -> String {
    let mut s = String::from(
        "\
ec2lab: a simulated AWS account (123456789012) in us-east-1, with a virtual clock.

You are on your workstation: a Linux shell with the AWS CLI v2 configured as an
administrator. What is simulated so far:

  aws ec2 …   instances (run, describe, start, stop, reboot, terminate, status
              checks, waiters), user data, metadata options, create-image and
              your own AMIs, instance types, AZs, regions, key pairs, security
              groups, the default VPC and subnets, tags
  aws iam …   roles, trust and permission policies (AWS managed, customer
              managed, inline), instance profiles, simulate-principal-policy
  aws ssm …   Parameter Store: String, StringList and SecureString parameters,
              hierarchies, versions, labels, tiers, AWS's public AMI parameters
  aws kms …   keys, aliases, key policies, encrypt and decrypt
  aws sts …   get-caller-identity (who you are: the learner or an instance role)
  aws ram …   resource shares: your Dedicated Hosts shared with the partner account
  ssh         ssh -i KEY.pem ec2-user@PUBLIC-IP, subject to key, security group
              and instance state, as in AWS
  curl        HTTP to your instances' web servers; on an instance, the instance
              metadata service at 169.254.169.254 (IMDSv1 and v2 tokens)
  lab …       drive the simulation: lab help
  shell       bash syntax (quotes, variables, $(…), pipes, &&, ||, redirections,
              here-documents) with everyday commands: echo printf cat ls mkdir rm
              cp mv touch head tail wc grep tr cut sort uniq base64 sleep date env
              whoami hostname chmod jq …

On an instance: cloud-init runs the user data at first boot (cloud-init status,
/var/log/cloud-init-output.log), dnf/yum or apt-get install packages from a
catalogue, systemctl runs their services, ec2-metadata and docker run … curl.

Every call is authorized: as the learner you are an administrator; on an
instance with a role, the CLI finds the role's credentials in the metadata
service and only the role's policies count.

Placement groups (cluster, spread, partition) are simulated on the racks of each
AZ; `lab fail rack|host|az …` breaks hardware to show what each one survives.
Dedicated Hosts (allocate-hosts, --placement Tenancy=host, host recovery, Host
Reservation prices), Dedicated Instances (Tenancy=dedicated) and sharing a host
with a second account through AWS RAM (lab account partner) are simulated too.
Not simulated yet (the console says so when you reach them): CloudWatch and
CloudFormation.

Try:
  aws ec2 run-instances --image-id resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 --instance-type t3.micro
  aws ec2 describe-instances --query 'Reservations[].Instances[].[InstanceId,State.Name]' --output table
  lab advance 1m
",
    );
    if on_instance {
        s.push_str("\nYou are on an instance now: `exit` returns to your workstation.\n");
    }
    s
}

pub fn run(m: &mut Machine, inv: &Invocation) -> CmdOut {
    let args: Vec<&str> = inv.argv.iter().skip(1).map(String::as_str).collect();
    match args.as_slice() {
        [] | ["help"] | ["--help"] | ["-h"] => CmdOut::ok(LAB_HELP),
        ["clock"] => {
            let now = m.world.now();
            let since = now.0.saturating_sub(EPOCH_START_MS);
            let next = match m.world.next_event_at() {
                Some(t) => format!("\nnext scheduled event in {}", fmt_duration(t.0.saturating_sub(now.0))),
                None => String::new(),
            };
            CmdOut::ok(format!("{}  ({} since the lab started){}\n", now.iso(), fmt_duration(since), next))
        }
        ["advance", d] => match parse_duration(d) {
            Some(ms) if ms <= 30 * crate::clock::DAY => {
                let before = snapshot(m);
                let faults_before = fault_snapshot(m);
                m.world.advance(ms);
                let mut changes: Vec<(String, State, State)> = Vec::new();
                for (id, name, old) in before {
                    match m.world.compute.get(&id) {
                        Some(i) if i.state != old => changes.push((format!("{id}{name}"), old, i.state)),
                        _ => {}
                    }
                }
                let mut out = String::new();
                if changes.len() <= 12 {
                    for (who, old, new) in &changes {
                        out.push_str(&format!("{who}: {} -> {}\n", old.name(), new.name()));
                    }
                } else {
                    // Many instances at once: one line per kind of change.
                    let mut kinds: Vec<(State, State, usize)> = Vec::new();
                    for (_, old, new) in &changes {
                        match kinds.iter_mut().find(|(o, n, _)| o == old && n == new) {
                            Some(k) => k.2 += 1,
                            None => kinds.push((*old, *new, 1)),
                        }
                    }
                    for (old, new, n) in kinds {
                        out.push_str(&format!("{n} instances: {} -> {}\n", old.name(), new.name()));
                    }
                }
                out.push_str(&fault_changes(m, faults_before));
                out.push_str(&format!("{}\n", m.world.now().iso()));
                CmdOut::ok(out)
            }
            Some(_) => CmdOut::err(1, "lab: advance: at most 30d at a time\n"),
            None => CmdOut::err(2, format!("lab: advance: invalid duration '{d}' (try 30s, 10m, 2h or 1h30m)\n")),
        },
        ["advance"] => CmdOut::err(2, "lab: advance: missing DURATION (try `lab advance 1m`)\n"),
        ["connect", id] => connect(m, id),
        ["connect"] => CmdOut::err(2, "lab: connect: missing INSTANCE-ID\n"),
        ["exec", id, command @ ..] if !command.is_empty() => exec(m, id, command),
        ["exec", ..] => CmdOut::err(2, "lab: exec: usage: lab exec INSTANCE-ID COMMAND [ARGS…]\n"),
        ["reset"] => {
            m.actions.push(Action::Reset);
            CmdOut::ok(format!("A fresh world from seed {}. Your workstation is as new.\n", m.world.seed))
        }
        ["seed"] => CmdOut::ok(format!("{}\n", m.world.seed)),
        ["account", "partner"] => CmdOut::ok(crate::ram::partner_profile(m.world)),
        ["account", ..] => CmdOut::err(2, "lab: account: usage: lab account partner\n"),
        ["fail", rest @ ..] => failures::fail(m, rest),
        ["repair", rest @ ..] => failures::repair(m, rest),
        ["where", ids @ ..] => failures::where_(m, ids),
        ["schedule-event", rest @ ..] => failures::schedule_event(m, rest),
        [other, ..] => CmdOut::err(2, format!("lab: unknown command '{other}'\n\n{LAB_HELP}")),
    }
}

fn snapshot(m: &Machine) -> Vec<(String, String, State)> {
    m.world
        .compute
        .iter()
        .map(|i| (i.id.clone(), i.name_tag().map(|n| format!(" ({n})")).unwrap_or_default(), i.state))
        .collect()
}

/// What `lab advance` reports about failures: status checks, hosts, scheduled events.
struct FaultSeen {
    id: String,
    who: String,
    state: State,
    checks: (&'static str, &'static str),
    host: Option<usize>,
    /// (event id, code, state) of every event.
    events: Vec<(String, &'static str, &'static str)>,
}

fn fault_snapshot(m: &Machine) -> Vec<FaultSeen> {
    m.world
        .compute
        .iter()
        .map(|i| FaultSeen {
            id: i.id.clone(),
            who: format!("{}{}", i.id, i.name_tag().map(|n| format!(" ({n})")).unwrap_or_default()),
            state: i.state,
            checks: m.world.status_checks(i),
            host: i.host,
            events: i.faults.events.iter().map(|e| (e.id.clone(), e.code.name(), e.state.name())).collect(),
        })
        .collect()
}

/// Lines for what changed in failures since `before` (nothing in a world without failures or
/// scheduled events): checks turning impaired or back, recoveries, events scheduled or done.
fn fault_changes(m: &Machine, before: Vec<FaultSeen>) -> String {
    let mut lines = Vec::new();
    for b in before {
        let Some(i) = m.world.compute.get(&b.id) else { continue };
        let checks = m.world.status_checks(i);
        // (A stop's own line says enough when the checks stop applying.)
        let stopped = checks == ("not-applicable", "not-applicable");
        if checks != b.checks && !stopped && (checks.0 == "impaired" || checks.1 == "impaired" || b.checks.0 == "impaired" || b.checks.1 == "impaired") {
            let mut parts = Vec::new();
            if checks.0 != b.checks.0 {
                parts.push(format!("system status {} -> {}", b.checks.0, checks.0));
            }
            if checks.1 != b.checks.1 {
                parts.push(format!("instance status {} -> {}", b.checks.1, checks.1));
            }
            lines.push(format!("{}: {}", b.who, parts.join(", ")));
        }
        if b.state == State::Running && i.state == State::Running && b.host != i.host {
            let name = |h: Option<usize>| h.and_then(|h| m.world.hardware.hosts.get(h)).map(|h| h.id.clone()).unwrap_or_else(|| "-".into());
            lines.push(format!("{}: moved from {} to {} by automatic recovery (rebooting)", b.who, name(b.host), name(i.host)));
        }
        for e in &i.faults.events {
            let old = b.events.iter().find(|(id, _, _)| *id == e.id).map(|x| x.2);
            match (old, e.state.name()) {
                (None, "active") => lines.push(format!("{}: {} scheduled ({}), not before {}", b.who, e.code.name(), e.id, e.not_before.iso())),
                (Some("active"), new) if new != "active" => lines.push(format!("{}: {} {} ({})", b.who, e.code.name(), new, e.id)),
                _ => {}
            }
        }
    }
    if lines.len() > 12 {
        let n = lines.len();
        lines.truncate(12);
        lines.push(format!("… and {} more (aws ec2 describe-instance-status shows them all)", n - 12));
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn connect(m: &mut Machine, id: &str) -> CmdOut {
    if m.on_instance().is_some() {
        return CmdOut::err(1, "lab: connect works from your workstation: `exit` first\n");
    }
    let Some(inst) = m.world.compute.get(id) else {
        return CmdOut::err(1, format!("lab: connect: no instance '{id}' in this account\n"));
    };
    if inst.state != State::Running {
        return CmdOut::err(1, format!("lab: connect: {id} is {}; it must be running to connect\n", inst.state.name()));
    }
    if !crate::faults::os_running(m.world, inst) {
        return CmdOut::err(1, format!("lab: connect: {id} does not answer: its OS lost power with its hardware\n"));
    }
    if !inst.sshd_ready(m.world.now()) {
        return CmdOut::err(1, format!("lab: connect: {id} is still booting; try again in a few seconds (`lab advance 15s`)\n"));
    }
    let user = inst.default_user();
    m.actions.push(Action::Connect { instance: id.to_string(), user, via: id.to_string() });
    CmdOut::ok("")
}

/// Quote one word so a shell reads it back unchanged.
fn shell_quote(w: &str) -> String {
    if !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || "_@%+=:,./-".contains(c)) {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}

/// `lab exec ID COMMAND…`: run the command line on the instance as root, from `/`, on the world's
/// clock (what it waits for, the lab waits for), the way an agent runs a remote command. The
/// app's metadata inspector sends its requests this way.
fn exec(m: &mut Machine, id: &str, command: &[&str]) -> CmdOut {
    use super::shell::Shell;
    use super::Place;
    let Some(inst) = m.world.compute.get(id) else {
        return CmdOut::err(1, format!("lab: exec: no instance '{id}' in this account\n"));
    };
    if inst.state != State::Running {
        return CmdOut::err(1, format!("lab: exec: {id} is {}; it must be running to run commands on it\n", inst.state.name()));
    }
    if !crate::faults::os_running(m.world, inst) {
        return CmdOut::err(1, format!("lab: exec: {id} does not answer: its OS lost power with its hardware\n"));
    }
    if !inst.sshd_ready(m.world.now()) {
        return CmdOut::err(1, format!("lab: exec: {id} is still booting; try again in a few seconds (`lab advance 15s`)\n"));
    }
    let hostname = inst.short_hostname();
    let line = command.iter().map(|w| shell_quote(w)).collect::<Vec<_>>().join(" ");
    let place = Place::Instance(id.to_string());
    let mut actions = Vec::new();
    let mut inner = Machine { world: &mut *m.world, place: &place, actions: &mut actions, disabled: m.disabled, clock: None };
    let mut sh = Shell::new("root", "/root", &hostname);
    sh.cwd = "/".into();
    let out = sh.run(&line, &mut inner);
    // Session actions (ssh into somewhere, lab reset) do not leave the remote command.
    CmdOut { stdout: out.stdout.into_bytes(), stderr: out.stderr.into_bytes(), code: out.exit }
}

/// What the instance prints at login (Amazon Linux's or Ubuntu's message of the day).
pub fn banner(inst: &Instance) -> String {
    let os = inst.ami().map(|a| a.os_name).unwrap_or("Amazon Linux 2023");
    if os.contains("Ubuntu") {
        format!("Welcome to {os} (GNU/Linux x86_64)\n\n * Documentation:  https://help.ubuntu.com\n\n")
    } else if os.contains("Amazon Linux 2023") {
        "   ,     #_\n   ~\\_  ####_        Amazon Linux 2023\n  ~~  \\_#####\\\n  ~~     \\###|\n  ~~       \\#/ ___   https://aws.amazon.com/linux/amazon-linux-2023\n   ~~       V~' '->\n    ~~~         /\n      ~~._.   _/\n         _/ _/\n       _/m/'\n".into()
    } else {
        "   ,     #_\n   ~\\_  ####_        Amazon Linux 2\n  ~~  \\_#####\\\n  ~~     \\###|       AL2 End of Life is 2026-06-30.\n  ~~       \\#/ ___\n   ~~       V~' '->\n    ~~~         /\n      ~~._.   _/\n         _/ _/\n       _/m/'\n".into()
    }
}
