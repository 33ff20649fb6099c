//! The instance pane: details of the selected instance, action buttons, and a launch form.
//! Every button types its console command through `AppState::run_command`.

use engine::view::{BootTimeline, InstanceDetail, RoleView};
use leptos::prelude::*;

use crate::chart::BakeChart;
use crate::state::AppState;

pub const AMI_PARAM: &str = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

const TYPES: &[&str] = &[
    "t3.micro", "t3.small", "t3.medium", "t3.large", "m5.large", "m5.xlarge", "c5.large",
    "c5.xlarge", "r5.large",
];

/// Quote a value for the shell if it needs it (single quotes, `'\''` for embedded quotes).
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

pub fn run_instances_command(instance_type: &str, count: u32, name: &str) -> String {
    let mut cmd = format!(
        "aws ec2 run-instances --image-id {AMI_PARAM} --instance-type {} --count {count}",
        shell_quote(instance_type)
    );
    let name = name.trim();
    if !name.is_empty() {
        // The shorthand syntax needs `,`, `]`, `}` and `=` escaped or avoided; keep names simple.
        let clean: String = name
            .chars()
            .filter(|c| !matches!(c, ',' | '[' | ']' | '{' | '}' | '=' | '\'' | '\\'))
            .collect();
        cmd.push_str(&format!(
            " --tag-specifications 'ResourceType=instance,Tags=[{{Key=Name,Value={clean}}}]'"
        ));
    }
    cmd
}

fn row(label: &'static str, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <dt>{label}</dt>
        <dd data-testid=testid>{value}</dd>
    }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "–".into())
}

fn details(d: InstanceDetail) -> impl IntoView {
    let az = if d.zone_id.is_empty() { d.az.clone() } else { format!("{} ({})", d.az, d.zone_id) };
    let sgs = if d.security_groups.is_empty() { "–".to_string() } else { d.security_groups.join(", ") };
    let title = d.name.clone().unwrap_or_else(|| d.id.clone());
    let state_class = format!("state-badge st-{}", d.state);
    view! {
        <div class="detail-head">
            <h3 class="detail-title" title=d.id.clone()>{title}</h3>
            <span class=state_class data-testid="instance-state" data-state=d.state.clone()>{d.state.clone()}</span>
        </div>
        <dl class="details">
            {row("Instance ID", d.id.clone(), "instance-id")}
            {row("Type", d.instance_type.clone(), "instance-type")}
            {row("AZ", az, "instance-az")}
            {row("Rack", opt(&d.rack), "instance-rack")}
            {row("Host", opt(&d.host), "instance-host")}
            {row("Private IP", d.private_ip.clone(), "instance-private-ip")}
            {row("Private DNS", d.private_dns.clone(), "instance-private-dns")}
            {row("Public IP", opt(&d.public_ip), "instance-public-ip")}
            {row("Public DNS", opt(&d.public_dns), "instance-public-dns")}
            {row("Launch time", d.launch_time.clone(), "instance-launch-time")}
            {row("Image", d.image_id.clone(), "instance-image")}
            {row("Key pair", opt(&d.key_name), "instance-key")}
            {row("Security groups", sgs, "instance-sgs")}
        </dl>
    }
}

/// `+1 min 05 s`: a duration since launch.
pub fn since_launch(ms: u64) -> String {
    let s = ms / 1000;
    if s < 60 { format!("+{s} s") } else { format!("+{} min {:02} s", s / 60, s % 60) }
}

/// One milestone's text: the time since launch, or why there is none.
fn reached(ms: Option<u64>, t: &BootTimeline, pending: &str) -> (String, &'static str) {
    match ms {
        Some(ms) => (since_launch(ms), "reached"),
        None if !t.can_progress => ("never".into(), "never"),
        None => (pending.to_string(), "not-yet"),
    }
}

/// The rows of the boot timeline: (label, value, status, test id).
pub fn timeline_rows(t: &BootTimeline) -> Vec<(&'static str, String, &'static str, &'static str)> {
    let source = match (&t.image_name, t.baked, t.has_user_data) {
        (Some(name), true, _) => format!("baked image {name} ({})", t.image_id),
        (_, _, true) => format!("public AMI {} + user data", t.image_id),
        _ => format!("public AMI {}, no user data", t.image_id),
    };
    let running = reached(t.to_running, t, "not yet");
    let boot_pending = if t.bootstrap_status == "running" { "not yet (cloud-init is running)" } else { "not yet" };
    let mut bootstrap = reached(t.to_bootstrap, t, boot_pending);
    if t.to_bootstrap.is_some() && t.bootstrap_status == "error" {
        bootstrap.0.push_str(" (with errors: see /var/log/cloud-init-output.log)");
        bootstrap.1 = "error";
    }
    let service_pending = if t.to_running.is_some() { "not yet (nothing answers on port 80)" } else { "not yet" };
    let service = reached(t.to_service, t, service_pending);
    vec![
        ("Source", source, "info", "timeline-source"),
        ("Launched", format!("{} ({})", since_launch(0), t.launched), "reached", "timeline-launched"),
        ("Running", running.0, running.1, "timeline-running"),
        ("Bootstrap finished", bootstrap.0, bootstrap.1, "timeline-bootstrap"),
        ("Service answering", service.0, service.1, "timeline-service"),
    ]
}

fn timeline_view(t: BootTimeline) -> impl IntoView {
    let rows = timeline_rows(&t);
    view! {
        <section class="boot-timeline" data-testid="boot-timeline" aria-label="Boot time to service time"
            style="border-top: 1px solid var(--border); padding-top: 0.4rem;">
            <h3 style="margin: 0 0.6rem; font-size: 0.95rem;">"Boot time to service time"</h3>
            <dl class="details">
                {rows.into_iter().map(|(label, value, status, testid)| view! {
                    <dt>{label}</dt>
                    <dd data-testid=testid data-status=status
                        style=if status == "reached" || status == "info" { "" } else { "color: var(--muted)" }>{value}</dd>
                }).collect_view()}
            </dl>
        </section>
    }
}

/// `5 h 59 min 30 s`, `12 min 05 s`, `40 s`: a countdown on the virtual clock.
pub fn countdown(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h} h {m:02} min {s:02} s")
    } else if m > 0 {
        format!("{m} min {s:02} s")
    } else {
        format!("{s} s")
    }
}

/// What the role section says about the credentials: (text, status for styling).
pub fn credentials_text(r: &RoleView) -> (String, &'static str) {
    match r.status.as_str() {
        "credentials" => match (&r.expires, r.expires_in_secs) {
            (Some(at), Some(0)) => (format!("expired at {at}"), "expired"),
            (Some(at), Some(s)) => (format!("expire in {} (at {at})", countdown(s)), "ok"),
            _ => ("issued".into(), "ok"),
        },
        "delivering" => ("not delivered yet: EC2 is handing the profile to the instance".into(), "pending"),
        "untrusted" => ("none: the role's trust policy does not let EC2 assume it".into(), "bad"),
        "no-role" => ("none: the instance profile holds no role".into(), "bad"),
        "profile-not-found" => ("none: the instance profile no longer exists".into(), "bad"),
        other => (other.to_string(), "bad"),
    }
}

fn role_view(r: Option<RoleView>) -> impl IntoView {
    let Some(r) = r else {
        return view! {
            <section class="instance-role" data-testid="instance-role" aria-label="IAM role">
                <h3>"IAM role"</h3>
                <p class="empty" data-testid="role-name">"None: this instance has no instance profile, so its software gets no AWS credentials from the metadata service."</p>
            </section>
        }
        .into_any();
    };
    let (creds, status) = credentials_text(&r);
    let key = match (&r.access_key, r.status.as_str()) {
        (Some(k), _) => k.clone(),
        (None, "credentials") => "not fetched yet (read iam/security-credentials/ROLE from the instance)".into(),
        _ => "–".into(),
    };
    let next = match (&r.next_rotation, r.next_rotation_in_secs) {
        (Some(at), Some(s)) if r.status == "delivering" => format!("delivered in {} (at {at})", countdown(s)),
        (Some(at), Some(s)) => format!("new credentials in {} (at {at})", countdown(s)),
        _ => "–".into(),
    };
    let role = match (&r.role, &r.role_arn) {
        (Some(n), Some(arn)) => format!("{n} ({arn})"),
        (Some(n), None) => n.clone(),
        _ => "(none)".into(),
    };
    view! {
        <section class="instance-role" data-testid="instance-role" aria-label="IAM role">
            <h3>"IAM role"</h3>
            <dl class="details">
                <dt>"Profile"</dt><dd data-testid="role-profile" title=r.profile_arn.clone()>{format!("{} ({})", r.profile_name, r.association_state)}</dd>
                <dt>"Role"</dt><dd data-testid="role-name">{role}</dd>
                <dt>"Credentials"</dt><dd data-testid="role-expiry" data-status=status>{creds}</dd>
                <dt>"Access key"</dt><dd data-testid="role-key">{key}</dd>
                <dt>"Rotation"</dt><dd data-testid="role-rotation">{next}</dd>
            </dl>
        </section>
    }
    .into_any()
}

#[component]
pub fn InstancePane(state: AppState) -> impl IntoView {
    let detail = Memo::new(move |_| {
        state.tick.track();
        let id = state.selected.get()?;
        state.instance(&id)
    });
    let selected_id = move || state.selected.get();
    // Milestones recorded ahead of the clock appear when the clock gets there, so this follows
    // the clock as well as the world's changes.
    let timeline = Memo::new(move |_| {
        state.tick.track();
        state.clock.track();
        let id = state.selected.get()?;
        state.with_lab(|lab| engine::view::boot_timeline(lab.world(), &id)).flatten()
    });

    // The credentials count down on the virtual clock: re-read on every tick and clock change.
    let role = Memo::new(move |_| {
        state.tick.track();
        state.clock.track();
        let id = state.selected.get()?;
        state.with_lab(|lab| lab.world().compute.get(&id).map(|_| engine::view::instance_role(lab.world(), &id))).flatten()
    });

    let action = move |verb: &'static str| {
        move |_| {
            if let Some(id) = state.selected.get_untracked() {
                let cmd = match verb {
                    "connect" => format!("lab connect {id}"),
                    v => format!("aws ec2 {v}-instances --instance-ids {id}"),
                };
                state.run_command(&cmd);
            }
        }
    };
    let st = move || detail.with(|d| d.as_ref().map(|d| d.state.clone()).unwrap_or_default());
    // Buttons stay clickable (the console then explains why an action is refused, as the real
    // API would); they are only dimmed when the action does not apply to the current state.
    let is = move |states: &'static [&'static str]| move || !states.contains(&st().as_str());

    // Launch form.
    let itype = RwSignal::new(TYPES[0].to_string());
    let count = RwSignal::new(1u32);
    let name = RwSignal::new(String::new());
    let launch = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let cmd = run_instances_command(&itype.get_untracked(), count.get_untracked().clamp(1, 500), &name.get_untracked());
        state.run_command(&cmd);
    };

    view! {
        <section class="pane instance-pane" data-testid="instance-pane" aria-label="Instance">
            <div class="pane-title"><h2>"Instance"</h2></div>
            {move || match (selected_id(), detail.get()) {
                (None, _) => view! {
                    <p class="empty">"Click an instance in the datacenter to select it."</p>
                }.into_any(),
                (Some(id), None) => view! {
                    <p class="empty">"Instance " <code>{id}</code> " is not visible (any more)."</p>
                }.into_any(),
                (Some(_), Some(d)) => details(d).into_any(),
            }}
            <Show when=move || selected_id().is_some()>
                <Show when=move || state.connected.with(Option::is_some)>
                    <p class="hint">"The buttons type their command into the console, which is connected to "
                        <code>{move || state.connected.get().unwrap_or_default()}</code>
                        ": type " <code>"exit"</code> " to get back to the workstation."</p>
                </Show>
                <div class="actions">
                    <button data-testid="btn-connect" on:click=action("connect") class:dim=is(&["running"])
                        title="lab connect i-…">"Connect"</button>
                    <button data-testid="btn-start" on:click=action("start") class:dim=is(&["stopped"])
                        title="aws ec2 start-instances">"Start"</button>
                    <button data-testid="btn-stop" on:click=action("stop") class:dim=is(&["running", "pending"])
                        title="aws ec2 stop-instances">"Stop"</button>
                    <button data-testid="btn-reboot" on:click=action("reboot") class:dim=is(&["running"])
                        title="aws ec2 reboot-instances">"Reboot"</button>
                    <button class="danger" data-testid="btn-terminate" on:click=action("terminate")
                        class:dim=is(&["running", "pending", "stopped", "stopping"])
                        title="aws ec2 terminate-instances">"Terminate"</button>
                </div>
            </Show>
            {move || role.get().map(role_view)}
            {move || timeline.get().map(timeline_view)}
            <BakeChart state />
            <form class="launch" on:submit=launch data-testid="launch-form">
                <h3>"Launch instances"</h3>
                <label>"Type "
                    <select data-testid="launch-type" on:change=move |ev| itype.set(event_target_value(&ev)) prop:value=move || itype.get()>
                        {TYPES.iter().map(|t| view! { <option value=*t>{*t}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Count "
                    <input type="number" min="1" max="500" data-testid="launch-count"
                        prop:value=move || count.get().to_string()
                        on:input=move |ev| count.set(event_target_value(&ev).parse().unwrap_or(1)) />
                </label>
                <label>"Name "
                    <input type="text" placeholder="web" data-testid="launch-name" maxlength="64"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev)) />
                </label>
                <button type="submit" class="primary" data-testid="btn-launch">"Launch"</button>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn launch_cmd() {
        assert_eq!(
            run_instances_command("t3.micro", 3, "web"),
            format!("aws ec2 run-instances --image-id {AMI_PARAM} --instance-type t3.micro --count 3 --tag-specifications 'ResourceType=instance,Tags=[{{Key=Name,Value=web}}]'")
        );
        assert_eq!(shell_quote("a b"), "'a b'");
    }

    #[test]
    fn countdowns() {
        assert_eq!(countdown(6 * 3600 - 30), "5 h 59 min 30 s");
        assert_eq!(countdown(725), "12 min 05 s");
        assert_eq!(countdown(40), "40 s");
        let mut r = RoleView { status: "credentials".into(), expires: Some("2026-01-05T15:00:05Z".into()), expires_in_secs: Some(3600), ..Default::default() };
        assert_eq!(credentials_text(&r), ("expire in 1 h 00 min 00 s (at 2026-01-05T15:00:05Z)".to_string(), "ok"));
        r.expires_in_secs = Some(0);
        assert_eq!(credentials_text(&r).1, "expired");
        r.status = "untrusted".into();
        assert_eq!(credentials_text(&r).1, "bad");
    }

    #[test]
    fn timeline_says_not_yet_and_never() {
        assert_eq!(since_launch(32_400), "+32 s");
        assert_eq!(since_launch(65_000), "+1 min 05 s");
        let mut t = BootTimeline {
            image_id: "ami-0123456789abcdef0".into(),
            launched: "2026-01-05T09:00:00.000Z".into(),
            to_running: Some(30_000),
            bootstrap_status: "running".into(),
            has_user_data: true,
            can_progress: true,
            ..Default::default()
        };
        let rows = timeline_rows(&t);
        assert_eq!(rows[0].1, "public AMI ami-0123456789abcdef0 + user data");
        assert_eq!(rows[2].1, "+30 s");
        assert_eq!(rows[3].1, "not yet (cloud-init is running)");
        assert_eq!((rows[4].1.as_str(), rows[4].2), ("not yet (nothing answers on port 80)", "not-yet"));
        t.to_bootstrap = Some(95_000);
        t.bootstrap_status = "error".into();
        assert_eq!(timeline_rows(&t)[3].2, "error");
        t.can_progress = false;
        assert_eq!(timeline_rows(&t)[4].1, "never");
        t.baked = true;
        t.image_name = Some("web-v1".into());
        assert_eq!(timeline_rows(&t)[0].1, "baked image web-v1 (ami-0123456789abcdef0)");
    }
}
