//! The metadata inspector: the selected instance seen from the inside.
//!
//! Browse the metadata tree at 169.254.169.254: every click types the real request into the
//! console (`lab exec INSTANCE curl -s -i … http://169.254.169.254/PATH`, with or without an
//! IMDSv2 token, visibly) and shows the status, headers and body that came back. Beside it: the
//! metadata service's request log for the instance, its user data (readable by anything on the
//! instance: that is the point), cloud-init's output log and the timeline of its boot stages.
//! Reading the log, user data and cloud-init files does not change the world; requests do (they
//! are logged and counted), which is why they go through the console.

use engine::clock::Time;
use leptos::prelude::*;

use crate::state::AppState;

const IMDS: &str = "http://169.254.169.254";
const TOKEN_TTL: u32 = 21600;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Metadata,
    Log,
    UserData,
    CloudInit,
}

/// One response as `curl -s -i` printed it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    pub status: Option<u16>,
    pub status_line: String,
    pub headers: Vec<String>,
    pub body: String,
    /// curl's own failure (exit code and message), when no HTTP response came back.
    pub failure: Option<String>,
}

/// Split `curl -s -i` output into status line, headers and body. Tolerates LF or CRLF.
pub fn parse_reply(stdout: &str, stderr: &str, exit: i32) -> Reply {
    let text = stdout.replace("\r\n", "\n");
    if !text.starts_with("HTTP/") {
        let why = if stderr.trim().is_empty() { format!("curl exited with status {exit}") } else { stderr.trim().to_string() };
        let why = if exit == 28 { format!("{why} (no response: timed out)") } else { why };
        return Reply { failure: Some(why), body: text, ..Default::default() };
    }
    let (head, body) = match text.split_once("\n\n") {
        Some((h, b)) => (h.to_string(), b.to_string()),
        None => (text.clone(), String::new()),
    };
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or_default().to_string();
    let status = status_line.split_whitespace().nth(1).and_then(|s| s.parse().ok());
    Reply { status, status_line, headers: lines.map(str::to_string).collect(), body, failure: None }
}

/// The console command for one request. `token`: send it as `X-aws-ec2-metadata-token`.
pub fn request_command(instance: &str, path: &str, token: Option<&str>) -> String {
    let header = match token {
        Some(t) => format!(" -H 'X-aws-ec2-metadata-token: {}'", t.replace('\'', "")),
        None => String::new(),
    };
    format!("lab exec {instance} curl -s -i{header} {IMDS}{path}")
}

pub fn token_command(instance: &str) -> String {
    format!("lab exec {instance} curl -s -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: {TOKEN_TTL}' {IMDS}/latest/api/token")
}

/// Entries of a listing body: one per line, sub-directories end in `/`.
fn entries(body: &str) -> Vec<String> {
    body.lines().map(str::trim).filter(|l| !l.is_empty() && !l.contains(' ')).map(str::to_string).collect()
}

/// `public-keys/` lists `0=key-name`; the child path is `0/`.
fn child_path(dir: &str, entry: &str) -> String {
    let entry = match entry.split_once('=') {
        Some((idx, _)) => format!("{idx}/"),
        None => entry.to_string(),
    };
    format!("{dir}{entry}")
}

fn parent_path(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(i) if i > 0 => format!("{}/", &trimmed[..i]),
        _ => "/".to_string(),
    }
}

/// What the side tabs read straight from the world (no request is made).
#[derive(Clone, Debug, Default, PartialEq)]
struct Inside {
    log: Vec<(String, String, String, bool, u16)>,
    no_token: u64,
    user_data: Option<Vec<u8>>,
    http_tokens: String,
    hop_limit: u32,
    endpoint: String,
    cloud_init_output: Option<String>,
    cloud_init_status: String,
    stages: Vec<(String, String, u64)>,
    running: bool,
}

fn hms(t: Time) -> String {
    let iso = t.iso();
    iso.get(11..19).unwrap_or(&iso).to_string()
}

fn read_inside(state: AppState, id: &str) -> Option<Inside> {
    state
        .with_lab(|lab| {
            let inst = lab.world().compute.get(id)?;
            use base64::Engine as _;
            let user_data = inst.user_data.as_ref().map(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).unwrap_or_else(|_| b.as_bytes().to_vec()));
            let ci = &inst.guest.cloud_init;
            let now = lab.now();
            let status = match ci.status {
                engine::guest::CloudInitStatus::NotRun => "not run".to_string(),
                _ if ci.finished_at.is_some_and(|t| t > now) => "running".to_string(),
                engine::guest::CloudInitStatus::Running => "running".to_string(),
                engine::guest::CloudInitStatus::Done => "done".to_string(),
                engine::guest::CloudInitStatus::Error => "error".to_string(),
            };
            Some(Inside {
                log: inst.imds.log.iter().rev().map(|e| (hms(e.time), e.method.clone(), e.path.clone(), e.token, e.status)).collect(),
                no_token: inst.imds.no_token_count,
                user_data,
                http_tokens: inst.metadata.http_tokens.clone(),
                hop_limit: inst.metadata.hop_limit,
                endpoint: inst.metadata.http_endpoint.clone(),
                cloud_init_output: inst.fs.read("/var/log/cloud-init-output.log").map(|b| String::from_utf8_lossy(b).into_owned()),
                cloud_init_status: status,
                stages: ci.stages.iter().map(|s| (s.name.clone(), hms(s.start), s.end.0.saturating_sub(s.start.0))).collect(),
                running: inst.state == engine::compute::State::Running,
            })
        })
        .flatten()
}

#[component]
pub fn InspectorPane(state: AppState) -> impl IntoView {
    let open = RwSignal::new(false);
    let tab = RwSignal::new(Tab::Metadata);
    let path = RwSignal::new("/latest/meta-data/".to_string());
    let use_token = RwSignal::new(true);
    // The token belongs to one instance: (instance id, token).
    let token: RwSignal<Option<(String, String)>> = RwSignal::new(None);
    let reply: RwSignal<Option<Reply>> = RwSignal::new(None);
    let listing: RwSignal<Vec<String>> = RwSignal::new(Vec::new());
    let listing_dir = RwSignal::new(String::new());

    // A different instance: forget the token, the reply and the listing.
    Effect::new(move |prev: Option<Option<String>>| {
        let sel = state.selected.get();
        if prev.is_some_and(|p| p != sel) {
            token.set(None);
            reply.set(None);
            listing.set(Vec::new());
            listing_dir.set(String::new());
            path.set("/latest/meta-data/".into());
        }
        sel
    });

    let inside = Memo::new(move |_| {
        state.tick.track();
        let id = state.selected.get()?;
        read_inside(state, &id)
    });

    let current_token = move || {
        let id = state.selected.get_untracked()?;
        token.get_untracked().filter(|(i, _)| *i == id).map(|(_, t)| t)
    };

    let get_token = move || -> Option<String> {
        let id = state.selected.get_untracked()?;
        let out = state.run_command(&token_command(&id))?;
        let t = out.stdout.trim().to_string();
        if out.exit == 0 && !t.is_empty() && !t.contains(char::is_whitespace) {
            token.set(Some((id, t.clone())));
            Some(t)
        } else {
            token.set(None);
            reply.set(Some(parse_reply(&out.stdout, &out.stderr, out.exit)));
            None
        }
    };

    let fetch = move |p: String| {
        let Some(id) = state.selected.get_untracked() else { return };
        path.set(p.clone());
        let tok = if use_token.get_untracked() {
            match current_token() {
                Some(t) => Some(t),
                None => match get_token() {
                    Some(t) => Some(t),
                    None => return,
                },
            }
        } else {
            None
        };
        let Some(out) = state.run_command(&request_command(&id, &p, tok.as_deref())) else { return };
        let r = parse_reply(&out.stdout, &out.stderr, out.exit);
        if r.status == Some(401) && tok.is_some() {
            // An expired token: the next click asks for a new one.
            token.set(None);
        }
        if r.status == Some(200) && p.ends_with('/') {
            listing.set(entries(&r.body));
            listing_dir.set(p.clone());
        }
        reply.set(Some(r));
    };

    let tab_button = move |t: Tab, label: &'static str, testid: &'static str| {
        view! {
            <button class="tab" class:active=move || tab.get() == t aria-pressed=move || (tab.get() == t).to_string() data-testid=testid on:click=move |_| tab.set(t)>
                {label}
            </button>
        }
    };

    let metadata_tab = move || {
        let dir = listing_dir.get();
        let items = listing.get();
        view! {
            <div class="imds-controls">
                <label title="Send the IMDSv2 session token with each request">
                    <input type="checkbox" data-testid="imds-use-token" prop:checked=move || use_token.get() on:change=move |ev| use_token.set(event_target_checked(&ev)) />
                    " IMDSv2 token"
                </label>
                <span class="muted" data-testid="imds-token-state">
                    {move || match token.get() { Some(_) if use_token.get() => "token held".to_string(), _ if use_token.get() => "no token yet (the next click asks for one)".into(), _ => "IMDSv1: no token header".into() }}
                </span>
                <button data-testid="imds-root" on:click=move |_| fetch("/latest/meta-data/".into())>"meta-data/"</button>
                <button data-testid="imds-identity" on:click=move |_| fetch("/latest/dynamic/instance-identity/document".into())>"identity document"</button>
                <button data-testid="imds-user-data" on:click=move |_| fetch("/latest/user-data".into())>"user-data"</button>
                <button data-testid="imds-new-token" on:click=move |_| { token.set(None); let _ = get_token(); }>"New token"</button>
            </div>
            <div class="imds-browser">
                <ul class="imds-tree" data-testid="imds-tree">
                    {(!dir.is_empty() && dir != "/").then(|| {
                        let up = parent_path(&dir);
                        view! { <li><button class="linklike" on:click=move |_| fetch(up.clone())>".."</button></li> }
                    })}
                    {items.into_iter().map(|e| {
                        let target = child_path(&dir, &e);
                        let label = e.clone();
                        view! { <li><button class="linklike" data-testid="imds-entry" on:click=move |_| fetch(target.clone())>{label}</button></li> }
                    }).collect_view()}
                </ul>
                <div class="imds-response" data-testid="imds-response">
                    {move || match reply.get() {
                        None => view! { <p class="empty">"Click a path to send a request from inside the instance."</p> }.into_any(),
                        Some(r) => {
                            let cls = match r.status { Some(s) if s < 300 => "ok", Some(_) => "bad", None => "bad" };
                            view! {
                                <p class="imds-path"><code>{move || path.get()}</code></p>
                                {match r.failure.clone() {
                                    Some(f) => view! { <p class="imds-status bad" data-testid="imds-status">{f}</p> }.into_any(),
                                    None => view! {
                                        <p class=format!("imds-status {cls}") data-testid="imds-status">{r.status_line.clone()}</p>
                                        <pre class="imds-headers">{r.headers.join("\n")}</pre>
                                        <pre class="imds-body" data-testid="imds-body">{r.body.clone()}</pre>
                                    }.into_any(),
                                }}
                            }.into_any()
                        }
                    }}
                </div>
            </div>
        }
    };

    let log_tab = move || {
        inside.with(|i| match i {
            None => view! { <p class="empty">"No such instance."</p> }.into_any(),
            Some(i) => view! {
                <p class="muted" data-testid="imds-options">
                    {format!("HttpTokens={} · hop limit {} · endpoint {} · tokenless requests answered (MetadataNoToken): {}", i.http_tokens, i.hop_limit, i.endpoint, i.no_token)}
                </p>
                <table class="imds-log" data-testid="imds-log">
                    <thead><tr><th>"time"</th><th>"method"</th><th>"path"</th><th>"token"</th><th>"status"</th></tr></thead>
                    <tbody>
                        {i.log.iter().map(|(t, m, p, tok, s)| {
                            let bad = *s >= 400;
                            view! {
                            <tr class:bad=bad>
                                <td>{t.clone()}</td><td>{m.clone()}</td><td><code>{p.clone()}</code></td>
                                <td>{if *tok { "yes" } else { "no" }}</td><td>{*s}</td>
                            </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {i.log.is_empty().then(|| view! { <p class="empty">"No requests yet."</p> })}
            }.into_any(),
        })
    };

    let user_data_tab = move || {
        inside.with(|i| match i.as_ref().and_then(|i| i.user_data.clone()) {
            None => view! { <p class="empty" data-testid="imds-userdata">"This instance was launched without user data."</p> }.into_any(),
            Some(bytes) => {
                let text = if bytes.starts_with(&[0x1f, 0x8b]) { format!("(gzip-compressed, {} bytes)", bytes.len()) } else { String::from_utf8_lossy(&bytes).into_owned() };
                view! {
                    <p class="warning">"Anything running on the instance can read this through the metadata service: never put passwords or keys here."</p>
                    <pre class="imds-body" data-testid="imds-userdata">{text}</pre>
                }.into_any()
            }
        })
    };

    let cloud_init_tab = move || {
        inside.with(|i| match i {
            None => view! { <p class="empty">"No such instance."</p> }.into_any(),
            Some(i) => view! {
                <p data-testid="cloud-init-status">{format!("cloud-init: {}", i.cloud_init_status)}</p>
                <ol class="stages">
                    {i.stages.iter().map(|(n, t, d)| view! { <li>{format!("{t}  {n}  ({:.1} s)", *d as f64 / 1000.0)}</li> }).collect_view()}
                </ol>
                <pre class="imds-body" data-testid="cloud-init-log">
                    {i.cloud_init_output.clone().unwrap_or_else(|| if i.running { "No /var/log/cloud-init-output.log yet.".into() } else { "The instance is not running.".into() })}
                </pre>
            }.into_any(),
        })
    };

    view! {
        <section class="pane inspector-pane" class:open=move || open.get() data-testid="inspector" aria-label="Metadata inspector">
            <div class="pane-title">
                <h2>
                    <button class="linklike" data-testid="inspector-toggle" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                        {move || if open.get() { "▾ Inside the instance" } else { "▸ Inside the instance" }}
                    </button>
                </h2>
                <Show when=move || open.get()>
                    <span class="tabs" role="group">
                        {tab_button(Tab::Metadata, "Metadata", "tab-metadata")}
                        {tab_button(Tab::Log, "Request log", "tab-log")}
                        {tab_button(Tab::UserData, "User data", "tab-userdata")}
                        {tab_button(Tab::CloudInit, "cloud-init", "tab-cloudinit")}
                    </span>
                </Show>
            </div>
            <Show when=move || open.get()>
                {move || match state.selected.get() {
                    None => view! { <p class="empty">"Select an instance in the datacenter view to look inside it."</p> }.into_any(),
                    Some(_) => match tab.get() {
                        Tab::Metadata => metadata_tab().into_any(),
                        Tab::Log => log_tab().into_any(),
                        Tab::UserData => user_data_tab().into_any(),
                        Tab::CloudInit => cloud_init_tab().into_any(),
                    },
                }}
            </Show>
        </section>
    }
}
