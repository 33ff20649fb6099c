//! The Parameter Store browser: the account's parameters as a tree split on `/`, type and tier
//! badges, versions and labels, and for a selected parameter who may read it (IAM's evaluator
//! for each role, `engine::view::parameter_readers`).
//!
//! A SecureString's value is never read from the world: it shows as dots until "Decrypt" types
//! `aws ssm get-parameter --name NAME --with-decryption` into the console; the value shown then
//! is the one that command printed (and it is forgotten when the browser closes).

use std::collections::BTreeSet;

use engine::view::{ParamInfo, ParamNode, ReaderView};
use leptos::prelude::*;

use crate::instance::shell_quote;
use crate::state::AppState;

pub const MASK: &str = "••••";

pub fn decrypt_command(name: &str) -> String {
    format!("aws ssm get-parameter --name {} --with-decryption", shell_quote(name))
}

pub fn history_command(name: &str) -> String {
    format!("aws ssm get-parameter-history --name {}", shell_quote(name))
}

fn find<'a>(nodes: &'a [ParamNode], name: &str) -> Option<&'a ParamInfo> {
    nodes.iter().find_map(|n| n.param.as_ref().filter(|p| p.name == name).or_else(|| find(&n.children, name)))
}

fn type_badge(ptype: &str) -> impl IntoView + use<> {
    let short = match ptype {
        "SecureString" => "Secure",
        "StringList" => "List",
        _ => "String",
    };
    view! { <span class=format!("badge ptype ptype-{ptype}") title=ptype.to_string() data-testid="param-type">{short}</span> }
}

fn tier_badge(tier: &str) -> impl IntoView + use<> {
    let cls = if tier == "Advanced" { "badge tier advanced" } else { "badge tier" };
    view! { <span class=cls data-testid="param-tier">{tier.to_string()}</span> }
}

fn node_view(n: ParamNode, selected: RwSignal<Option<String>>, collapsed: RwSignal<BTreeSet<String>>) -> AnyView {
    let path = n.path.clone();
    let has_children = !n.children.is_empty();
    let leaf = n.param.clone().map(|p| {
        let name = p.name.clone();
        let pick = name.clone();
        let is_sel = name.clone();
        view! {
            <button class="linklike param-leaf" data-testid="param-node" data-name=name.clone()
                class:selected=move || selected.get().as_deref() == Some(is_sel.as_str())
                on:click=move |_| selected.set(Some(pick.clone()))>
                <span class="seg">{n.segment.clone()}</span>
                {type_badge(&p.ptype)}
                {(p.tier != "Standard").then(|| tier_badge(&p.tier))}
                <span class="muted ver">{format!("v{}", p.version)}</span>
            </button>
        }
    });
    let folder = has_children.then(|| {
        let p = path.clone();
        let p2 = path.clone();
        let count = n.count();
        view! {
            <button class="linklike param-folder" data-testid="param-folder" data-path=path.clone()
                aria-expanded=move || (!collapsed.get().contains(&p2)).to_string()
                on:click=move |_| collapsed.update(|c| if !c.remove(&p) { c.insert(p.clone()); })>
                {let p3 = path.clone(); move || if collapsed.get().contains(&p3) { "▸ " } else { "▾ " }}
                {format!("{}/", n.segment)}
                <span class="muted">{format!(" ({count})")}</span>
            </button>
        }
    });
    let children = n.children;
    let p4 = path.clone();
    view! {
        <li>
            {leaf}
            {folder}
            {move || (has_children && !collapsed.get().contains(&p4)).then(|| tree_view(children.clone(), selected, collapsed))}
        </li>
    }
    .into_any()
}

fn tree_view(nodes: Vec<ParamNode>, selected: RwSignal<Option<String>>, collapsed: RwSignal<BTreeSet<String>>) -> AnyView {
    view! {
        <ul class="param-tree">
            {nodes.into_iter().map(|n| node_view(n, selected, collapsed)).collect_view()}
        </ul>
    }
    .into_any()
}

fn reader_row(r: ReaderView, secure: bool) -> impl IntoView {
    let get = if r.allowed {
        format!("✔ allowed by {}", r.decided_by.join(", "))
    } else if r.explicit_deny {
        format!("✘ denied by {}", r.decided_by.join(", "))
    } else {
        "✘ no policy allows it".to_string()
    };
    let decrypt = match (r.decrypt, &r.decrypt_denied) {
        (Some(true), _) => "✔ kms:Decrypt allowed".to_string(),
        (Some(false), Some(why)) => format!("✘ {why}"),
        (Some(false), None) => "✘ refused".to_string(),
        (None, _) => String::new(),
    };
    let decrypt_ok = r.decrypt == Some(true);
    let instances = if r.instances.is_empty() { "–".to_string() } else { r.instances.join(", ") };
    view! {
        <tr data-testid="param-reader" data-role=r.role.clone() data-allowed=r.allowed.to_string()>
            <td>{r.role.clone()}</td>
            <td class:ok=r.allowed class:bad=!r.allowed>{get}</td>
            {secure.then(|| view! { <td class:ok=decrypt_ok class:bad=!decrypt_ok>{decrypt}</td> })}
            <td>{instances}</td>
        </tr>
    }
}

/// The Parameter Store browser. `selected`: the selected parameter's name (kept by the caller).
#[component]
pub fn ParamsView(state: AppState, selected: RwSignal<Option<String>>) -> impl IntoView {
    let collapsed: RwSignal<BTreeSet<String>> = RwSignal::new(BTreeSet::new());
    // (name, version, value) printed by the last Decrypt, or (name, message) when it failed.
    let revealed: RwSignal<Option<(String, u64, String)>> = RwSignal::new(None);
    let failed: RwSignal<Option<(String, String)>> = RwSignal::new(None);
    let tree = Memo::new(move |_| {
        state.tick.track();
        state.with_lab(|lab| engine::view::parameter_tree(lab.world())).unwrap_or_default()
    });
    let info = Memo::new(move |_| {
        let name = selected.get()?;
        tree.with(|t| find(t, &name).cloned())
    });
    let readers = Memo::new(move |_| {
        state.tick.track();
        let name = selected.get()?;
        state.with_lab(|lab| engine::view::parameter_readers(lab.world(), &name))
    });

    let decrypt = move |name: String| {
        let Some(out) = state.run_command(&decrypt_command(&name)) else { return };
        match engine::view::parameter_value_in_output(&out.stdout) {
            Some((value, version)) if out.exit == 0 => {
                failed.set(None);
                revealed.set(Some((name, version, value)));
            }
            _ => {
                let why = out.stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("The console shows the answer.").to_string();
                revealed.set(None);
                failed.set(Some((name, why)));
            }
        }
    };

    let detail = move || {
        let Some(p) = info.get() else {
            return view! { <p class="empty">"Select a parameter in the tree."</p> }.into_any();
        };
        let secure = p.ptype == "SecureString";
        let name = p.name.clone();
        let latest = p.version;
        let (n1, n2, n3) = (name.clone(), name.clone(), name.clone());
        let shown = Signal::derive(move || revealed.with(|r| r.as_ref().filter(|(n, v, _)| *n == n1 && *v == latest).map(|(_, _, x)| x.clone())));
        let error = Signal::derive(move || failed.with(|f| f.as_ref().filter(|(n, _)| *n == n2).map(|(_, m)| m.clone())));
        let key = match (&p.key_alias, &p.key_id) {
            (Some(a), Some(k)) if a != k => format!("{a} (named as {k})"),
            (Some(a), _) => a.clone(),
            (None, Some(k)) => k.clone(),
            (None, None) => String::new(),
        };
        let value_view = if secure {
            view! {
                <dd data-testid="param-value" class:masked=move || shown.with(Option::is_none)>
                    {move || shown.get().unwrap_or_else(|| MASK.to_string())}
                </dd>
                <dt>"Encrypted with"</dt>
                <dd data-testid="param-key">{key}</dd>
            }
            .into_any()
        } else {
            view! { <dd data-testid="param-value">{p.value.clone().unwrap_or_default()}</dd> }.into_any()
        };
        let versions = p.versions.clone();
        view! {
            <div class="param-detail" data-testid="param-detail" data-name=p.name.clone()>
                <div class="param-head">
                    <h4>{p.name.clone()}</h4>
                    {type_badge(&p.ptype)}
                    {tier_badge(&p.tier)}
                </div>
                <dl class="details">
                    <dt>"ARN"</dt><dd>{p.arn.clone()}</dd>
                    <dt>"Type"</dt><dd>{format!("{} ({})", p.ptype, p.data_type)}</dd>
                    <dt>"Version"</dt><dd data-testid="param-version">{format!("{} of {} kept", p.version, p.versions.len())}</dd>
                    <dt>"Last modified"</dt><dd>{format!("{} by {}", p.last_modified, p.last_modified_user)}</dd>
                    {p.description.clone().map(|d| view! { <dt>"Description"</dt><dd>{d}</dd> })}
                    <dt>"Value"</dt>
                    {value_view}
                </dl>
                <div class="actions">
                    {secure.then(|| {
                        let n = n3.clone();
                        view! {
                            <button data-testid="param-decrypt" title=decrypt_command(&n) on:click=move |_| decrypt(n.clone())>"Decrypt"</button>
                            <Show when=move || shown.with(Option::is_some)>
                                <button data-testid="param-hide" on:click=move |_| revealed.set(None)>"Hide"</button>
                            </Show>
                        }
                    })}
                    {let n = n3.clone(); view! {
                        <button data-testid="param-history" title=history_command(&n) on:click=move |_| { state.run_command(&history_command(&n)); }>"History"</button>
                    }}
                </div>
                {move || error.get().map(|e| view! { <p class="warning" data-testid="param-decrypt-error">{e}</p> })}
                {secure.then(|| view! {
                    <p class="hint">"Decrypt runs the command in the console: whoever the console is (you on the workstation, or an instance's role after "<code>"lab connect"</code>") needs ssm:GetParameter on the parameter and kms:Decrypt on its key."</p>
                })}
                <h4>"Versions"</h4>
                <table class="param-versions" data-testid="param-versions">
                    <thead><tr><th>"version"</th><th>"labels"</th><th>"modified"</th></tr></thead>
                    <tbody>
                        {versions.into_iter().map(|v| view! {
                            <tr>
                                <td>{v.version}</td>
                                <td>{v.labels.iter().map(|l| view! { <span class="badge label">{l.clone()}</span> }).collect_view()}</td>
                                <td>{v.modified.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <h4>"Who may read it"</h4>
                <p class="muted">"You (the workstation's administrator) may. Each role, as IAM's evaluator decides ssm:GetParameter on this ARN"
                    {if secure { " and KMS decides kms:Decrypt on its key:" } else { ":" }}</p>
                {move || {
                    let rs = readers.get().unwrap_or_default();
                    if rs.is_empty() {
                        return view! { <p class="empty">"No roles yet."</p> }.into_any();
                    }
                    view! {
                        <table class="param-readers" data-testid="param-readers">
                            <thead><tr>
                                <th>"role"</th><th>"ssm:GetParameter"</th>
                                {secure.then(|| view! { <th>"decrypt"</th> })}
                                <th>"instances with it"</th>
                            </tr></thead>
                            <tbody>{rs.into_iter().map(|r| reader_row(r, secure)).collect_view()}</tbody>
                        </table>
                    }.into_any()
                }}
            </div>
        }
        .into_any()
    };

    view! {
        <div class="identity-body params-view" data-testid="params-view">
            <div class="params-browser">
                <div class="param-tree-box" data-testid="param-tree">
                    {move || {
                        let t = tree.get();
                        if t.is_empty() {
                            view! { <p class="empty">"No parameters yet. Try "<code>"aws ssm put-parameter --name /app/config --value hello --type String"</code>"."</p> }.into_any()
                        } else {
                            tree_view(t, selected, collapsed)
                        }
                    }}
                </div>
                <div class="param-side">{detail}</div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn commands() {
        assert_eq!(decrypt_command("/app/prod/db-password"), "aws ssm get-parameter --name /app/prod/db-password --with-decryption");
        assert_eq!(history_command("a b"), "aws ssm get-parameter-history --name 'a b'");
    }
}
