//! The datacenter pane: AZs → racks → hosts → instance chips.
//!
//! Performance: each AZ has a memo that only fires when that AZ's view changed (unchanged AZs
//! keep their `Arc`). Racks are keyed by id; hosts are keyed by (id, hash of content), so a host
//! whose instances changed is re-created (a handful of nodes) and every other host is untouched.
//! Chips are static DOM with no per-chip closures: one delegated click handler on the pane reads
//! `data-instance-id`, and the selection outline is a single generated CSS rule.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use engine::view::{AzView, HostView, InstanceChip};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::AppState;

fn state_class(state: &str) -> &'static str {
    match state {
        "pending" => "chip st-pending",
        "running" => "chip st-running",
        "stopping" => "chip st-stopping",
        "shutting-down" => "chip st-shutting-down",
        "stopped" => "chip st-stopped",
        "terminated" => "chip st-terminated",
        _ => "chip",
    }
}

fn chip_view(c: &InstanceChip) -> impl IntoView + use<> {
    let title = if c.label != c.id {
        format!("{} — {} ({}, {})", c.id, c.label, c.instance_type, c.state)
    } else {
        format!("{} ({}, {})", c.id, c.instance_type, c.state)
    };
    view! {
        <span
            class=state_class(&c.state)
            data-testid="instance-chip"
            data-instance-id=c.id.clone()
            data-state=c.state.clone()
            title=title
            role="button"
            tabindex="0"
        >
            <b class="t">{c.instance_type.clone()}</b>
            " "
            <span class="l">{short_label(c)}</span>
        </span>
    }
}

/// The Name tag, or for unnamed instances the tail of the id (`i-…3f9c2`) so chips stay small.
fn short_label(c: &InstanceChip) -> String {
    if c.label == c.id && c.id.len() > 8 {
        let tail: String = c.id.chars().skip(c.id.chars().count() - 5).collect();
        format!("…{tail}")
    } else {
        c.label.clone()
    }
}

/// More instances than this on a host → compact chips; more than `XDENSE` → tiny ones.
const DENSE: usize = 6;
const XDENSE: usize = 30;

fn host_key(h: &HostView) -> (String, u64) {
    let mut s = DefaultHasher::new();
    h.family.hash(&mut s);
    h.capacity_units.hash(&mut s);
    h.used_units.hash(&mut s);
    for c in &h.instances {
        c.id.hash(&mut s);
        c.label.hash(&mut s);
        c.instance_type.hash(&mut s);
        c.state.hash(&mut s);
    }
    (h.id.clone(), s.finish())
}

/// `us-east-1a-r03-h2` → `h2`.
fn short(id: &str) -> &str {
    id.rsplit('-').next().unwrap_or(id)
}

fn host_view(h: HostView) -> impl IntoView {
    let pct = if h.capacity_units == 0 {
        0.0
    } else {
        (f64::from(h.used_units) * 100.0 / f64::from(h.capacity_units)).min(100.0)
    };
    let title = format!(
        "{} · {} · {}/{} vCPU used",
        h.id,
        h.family,
        f64::from(h.used_units) / 4.0,
        f64::from(h.capacity_units) / 4.0
    );
    let full = h.capacity_units > 0 && h.used_units >= h.capacity_units;
    // Busy hosts draw their chips as small state-coloured squares (text kept for the tooltip,
    // accessibility and tests); the instance pane shows the details of a clicked one.
    let n = h.instances.len();
    let density = if n > XDENSE { "chips xdense" } else if n > DENSE { "chips dense" } else { "chips" };
    let chips = h.instances.iter().map(chip_view).collect_view();
    view! {
        <div class="host" class:full=full data-testid="host" data-host-id=h.id.clone() title=title>
            <div class="host-head">
                <span class="host-name">{short(&h.id).to_string()}</span>
                <span class="fill"><span style=format!("width:{pct:.1}%")></span></span>
            </div>
            <div class=density>{chips}</div>
        </div>
    }
}

#[component]
fn RackBox(az: Memo<Option<Arc<AzView>>>, id: String, family: String) -> impl IntoView {
    let rack_id = id.clone();
    let hosts = move || {
        az.with(|az| {
            az.as_ref()
                .and_then(|az| az.racks.iter().find(|r| r.id == rack_id))
                .map(|r| r.hosts.iter().map(|h| (host_key(h), h.clone())).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    view! {
        <div class="rack" data-testid="rack" data-rack-id=id.clone()>
            <div class="rack-head" title=id.clone()>
                <span>{short(&id).to_string()}</span>
                <span class="family">{family}</span>
            </div>
            <For each=hosts key=|(k, _)| k.clone() children=|(_, h)| host_view(h) />
        </div>
    }
}

#[component]
fn AzBox(state: AppState, name: String) -> impl IntoView {
    let az_name = name.clone();
    let az = Memo::new(move |_| state.azs.with(|v| v.iter().find(|a| a.name == az_name).cloned()));
    let zone_id = move || az.with(|a| a.as_ref().map(|a| a.zone_id.clone()).unwrap_or_default());
    let stats = move || {
        az.with(|a| {
            let Some(a) = a else { return String::new() };
            let hosts: usize = a.racks.iter().map(|r| r.hosts.len()).sum();
            let inst: usize =
                a.racks.iter().flat_map(|r| &r.hosts).map(|h| h.instances.len()).sum();
            format!("{} racks · {hosts} hosts · {inst} instances", a.racks.len())
        })
    };
    let racks = move || {
        az.with(|a| {
            a.as_ref()
                .map(|a| {
                    a.racks.iter().map(|r| (r.id.clone(), r.family.clone())).collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div class="az" data-testid=format!("az-{name}") data-az=name.clone()>
            <div class="az-head">
                <span class="az-name">{name.clone()}</span>
                <span class="zone-id">{zone_id}</span>
                <span class="az-stats">{stats}</span>
            </div>
            <div class="racks">
                <For
                    each=racks
                    key=|r| r.clone()
                    children=move |(id, family)| view! { <RackBox az id family /> }
                />
            </div>
        </div>
    }
}

/// Walk up from the click target to the chip that carries `data-instance-id`.
fn clicked_instance(ev: &web_sys::Event) -> Option<String> {
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let chip = target.closest("[data-instance-id]").ok()??;
    chip.get_attribute("data-instance-id")
}

/// Only ids made of safe characters go into the generated CSS rule.
fn css_safe(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[component]
pub fn DatacenterPane(state: AppState) -> impl IntoView {
    let select = move |ev: &web_sys::Event| {
        if let Some(id) = clicked_instance(ev) {
            state.selected.set(Some(id));
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| select(&ev);
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" || ev.key() == " " {
            if clicked_instance(&ev).is_some() {
                ev.prevent_default();
            }
            select(&ev);
        }
    };
    let az_names = move || state.azs.with(|v| v.iter().map(|a| a.name.clone()).collect::<Vec<_>>());
    // Selected and connected instances are highlighted by one generated CSS rule each, so a
    // selection change touches no chip.
    let selection_css = move || {
        let selected = state
            .selected
            .get()
            .filter(|id| css_safe(id))
            .map(|id| format!(".chip[data-instance-id=\"{id}\"]{{outline:2px solid var(--accent);outline-offset:1px;box-shadow:0 0 0 4px var(--accent-soft)}}"))
            .unwrap_or_default();
        let connected = state
            .connected
            .get()
            .filter(|id| css_safe(id))
            .map(|id| format!(".chip[data-instance-id=\"{id}\"]{{border-left:0.3rem solid var(--term-ps1)}}"))
            .unwrap_or_default();
        selected + &connected
    };
    let unplaced = move || {
        state.unplaced.get().into_iter().map(|c| ((c.id.clone(), c.state.clone(), c.label.clone(), c.instance_type.clone()), c)).collect::<Vec<_>>()
    };
    let unplaced_count = move || state.unplaced.with(Vec::len);
    view! {
        <section class="pane datacenter-pane" data-testid="datacenter" aria-label="Datacenter" on:click=on_click on:keydown=on_keydown>
            <style>{selection_css}</style>
            <div class="pane-title">
                <h2>"Region " <span class="region">{move || state.region.get()}</span></h2>
                <span class="legend">
                    <span class="chip st-pending">"pending"</span>
                    <span class="chip st-running">"running"</span>
                    <span class="chip st-stopping">"stopping"</span>
                    <span class="chip st-stopped">"stopped"</span>
                    <span class="chip st-terminated">"terminated"</span>
                </span>
            </div>
            <Show when=move || state.azs.with(Vec::is_empty)>
                <p class="empty">"No datacenter data yet."</p>
            </Show>
            <div class="azs">
                <For each=az_names key=|n| n.clone() children=move |name| view! { <AzBox state name /> } />
            </div>
            <div class="tray" data-testid="unplaced">
                <div class="tray-head">"Stopped / not on a host " <span class="count">"(" {unplaced_count} ")"</span></div>
                <div class="chips">
                    <For each=unplaced key=|(k, _)| k.clone() children=|(_, c)| chip_view(&c) />
                </div>
            </div>
        </section>
    }
}
