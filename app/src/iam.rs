//! Identity and secrets, beside the datacenter: the IAM view (roles, their trust and permission
//! policies, instance profiles and the instances wearing them), the Parameter Store browser
//! (params.rs) and the Dedicated Hosts view (hosts.rs), opened from buttons in the datacenter
//! cell's corner.
//!
//! Everything shown is read from `engine::view` (nothing changes when you look); the buttons
//! type console commands through `AppState::run_command`, like every other button.

use engine::view::{IamView, PolicyDoc, ProfileView, RoleSummary};
use leptos::prelude::*;

use crate::instance::shell_quote;
use crate::params::ParamsView;
use crate::state::AppState;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Iam,
    Params,
    Hosts,
}

/// The console command behind "Simulate": may the role read a parameter?
pub fn simulate_command(role_arn: &str) -> String {
    format!("aws iam simulate-principal-policy --policy-source-arn {} --action-names ssm:GetParameter", shell_quote(role_arn))
}

/// Closed: three buttons in the datacenter cell's corner (above "Inside the instance"). Open: an
/// overlay over the datacenter with the chosen view.
#[component]
pub fn IdentityPane(state: AppState) -> impl IntoView {
    let open: RwSignal<Option<Tool>> = RwSignal::new(None);
    // The browser's selection survives switching between the two views.
    let selected_param: RwSignal<Option<String>> = RwSignal::new(None);
    let tool_button = move |t: Tool, label: &'static str, testid: &'static str, title: &'static str| {
        view! {
            <button
                class="tab"
                class:active=move || open.get() == Some(t)
                aria-pressed=move || (open.get() == Some(t)).to_string()
                data-testid=testid
                title=title
                on:click=move |_| open.update(|o| *o = if *o == Some(t) { None } else { Some(t) })
            >
                {label}
            </button>
        }
    };
    view! {
        <section class="pane identity-pane" class:open=move || open.get().is_some() data-testid="identity" aria-label="IAM, Parameter Store and Dedicated Hosts">
            <div class="pane-title">
                <span class="tabs" role="group" aria-label="Identity and secrets">
                    {tool_button(Tool::Iam, "IAM", "open-iam", "Roles, policies and instance profiles")}
                    {tool_button(Tool::Params, "Parameter Store", "open-params", "Parameters, versions, labels and who may read them")}
                    {tool_button(Tool::Hosts, "Dedicated Hosts", "open-hosts", "Your Dedicated Hosts: capacity by size, licence counts, costs")}
                </span>
                <Show when=move || open.get().is_some()>
                    <button class="linklike" data-testid="identity-close" title="Back to the datacenter" on:click=move |_| open.set(None)>
                        "✕ Close"
                    </button>
                </Show>
            </div>
            {move || match open.get() {
                None => ().into_any(),
                Some(Tool::Iam) => view! { <IamPanel state /> }.into_any(),
                Some(Tool::Params) => view! { <ParamsView state selected=selected_param /> }.into_any(),
                Some(Tool::Hosts) => view! { <crate::hosts::HostsPanel state /> }.into_any(),
            }}
        </section>
    }
}

fn policy_kind(p: &PolicyDoc) -> &'static str {
    match (&p.arn, p.aws_managed) {
        (None, _) => "inline",
        (Some(_), true) => "AWS managed",
        (Some(_), false) => "customer managed",
    }
}

fn policy_view(p: PolicyDoc) -> impl IntoView {
    let kind = policy_kind(&p);
    let title = p.arn.clone().unwrap_or_else(|| "inline policy: embedded in the role".into());
    view! {
        <details class="policy" data-testid="iam-policy" data-policy=p.name.clone()>
            <summary title=title>
                <span class="policy-name">{p.name.clone()}</span>
                <span class="badge">{kind}</span>
            </summary>
            <pre class="json">{p.document.clone()}</pre>
        </details>
    }
}

fn role_view(state: AppState, r: RoleSummary) -> impl IntoView {
    let arn = r.arn.clone();
    let trusted = if r.trusted.is_empty() { "nobody (no Allow statement names a principal)".to_string() } else { r.trusted.join(", ") };
    let profiles = if r.profiles.is_empty() { "none".to_string() } else { r.profiles.join(", ") };
    let no_perms = r.attached.is_empty() && r.inline.is_empty();
    let policies: Vec<PolicyDoc> = r.attached.iter().chain(r.inline.iter()).cloned().collect();
    view! {
        <article class="iam-role" data-testid="iam-role" data-role=r.name.clone()>
            <header class="iam-role-head">
                <h4>{r.name.clone()}</h4>
                {if r.trusts_ec2 {
                    view! { <span class="badge ok" title="Its trust policy lets ec2.amazonaws.com assume it">"EC2 may assume it"</span> }.into_any()
                } else {
                    view! { <span class="badge warn" title="An instance profile with this role gets no credentials">"EC2 may not assume it"</span> }.into_any()
                }}
                <button class="small" data-testid="iam-simulate" title=simulate_command(&arn) on:click=move |_| { state.run_command(&simulate_command(&arn)); }>
                    "Simulate ssm:GetParameter"
                </button>
            </header>
            <p class="arn"><code>{r.arn.clone()}</code></p>
            {(!r.description.is_empty()).then(|| view! { <p class="muted">{r.description.clone()}</p> })}
            <p><span class="muted">"Who may assume it: "</span><span data-testid="iam-trusted">{trusted}</span></p>
            <details class="policy" data-testid="iam-trust">
                <summary><span class="policy-name">"Trust policy"</span><span class="badge">"who may assume"</span></summary>
                <pre class="json">{r.trust_policy.clone()}</pre>
            </details>
            <p class="muted">"Permission policies (what its sessions may do):"</p>
            {no_perms.then(|| view! { <p class="empty">"None: every request is refused (implicit deny)."</p> })}
            {policies.into_iter().map(policy_view).collect_view()}
            <p><span class="muted">"Instance profiles: "</span>{profiles}</p>
        </article>
    }
}

fn profile_row(state: AppState, p: ProfileView) -> impl IntoView {
    let role = p.role.clone().unwrap_or_else(|| "(no role)".into());
    let empty = p.instances.is_empty();
    view! {
        <tr data-testid="iam-profile" data-profile=p.name.clone()>
            <td title=p.arn.clone()>{p.name.clone()}</td>
            <td>{role}</td>
            <td>
                {empty.then(|| view! { <span class="muted">"no instance"</span> })}
                {p.instances.into_iter().map(|w| {
                    let id = w.id.clone();
                    let label = if w.label == w.id { w.id.clone() } else { format!("{} ({})", w.label, w.id) };
                    let title = format!("association {} · click to select the instance", w.association);
                    view! {
                        <button class="linklike wearer" data-testid="iam-wearer" data-instance=w.id.clone() title=title
                            on:click=move |_| state.selected.set(Some(id.clone()))>
                            {label}
                            <span class=format!("state-badge st-{}", w.state)>{w.state.clone()}</span>
                        </button>
                    }
                }).collect_view()}
            </td>
        </tr>
    }
}

/// The IAM view.
#[component]
fn IamPanel(state: AppState) -> impl IntoView {
    let iam = Memo::new(move |_| {
        state.tick.track();
        state.with_lab(|lab| engine::view::iam_overview(lab.world())).unwrap_or_default()
    });
    let roles = move || iam.with(|v: &IamView| v.roles.clone());
    let profiles = move || iam.with(|v: &IamView| v.profiles.clone());
    view! {
        <div class="identity-body iam-view" data-testid="iam-view">
            <p class="hint">
                "A role is an identity with no password or long-term key: its trust policy says who may assume it, "
                "its permission policies what it may do. An instance profile hands one role to EC2 instances, "
                "whose software then gets short-lived credentials from the metadata service."
            </p>
            <h3>"Roles " <span class="count">{move || format!("({})", iam.with(|v| v.roles.len()))}</span></h3>
            <Show when=move || iam.with(|v| v.roles.is_empty())>
                <p class="empty">"No roles yet. Try "<code>"aws iam create-role --role-name NAME --assume-role-policy-document file://trust.json"</code>"."</p>
            </Show>
            <div class="iam-roles">
                <For each=roles key=|r| r.clone() children=move |r| role_view(state, r) />
            </div>
            <h3>"Instance profiles " <span class="count">{move || format!("({})", iam.with(|v| v.profiles.len()))}</span></h3>
            <Show
                when=move || !iam.with(|v| v.profiles.is_empty())
                fallback=|| view! { <p class="empty">"No instance profiles yet. Try "<code>"aws iam create-instance-profile --instance-profile-name NAME"</code>"."</p> }
            >
                <table class="iam-profiles" data-testid="iam-profiles">
                    <thead><tr><th>"profile"</th><th>"role"</th><th>"worn by"</th></tr></thead>
                    <tbody>
                        <For each=profiles key=|p| p.clone() children=move |p| profile_row(state, p) />
                    </tbody>
                </table>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn simulate_cmd() {
        assert_eq!(
            simulate_command("arn:aws:iam::123456789012:role/app"),
            "aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::123456789012:role/app --action-names ssm:GetParameter"
        );
    }
}
