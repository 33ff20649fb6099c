//! The datacenter pane: the fault bar, the legend, the blast radius, then per AZ the rack map and
//! the racks in use with their hosts and instance chips (racks.rs), and the tray of instances
//! that are not on a host.
//!
//! Performance: each AZ has a memo that only fires when that AZ's view changed (unchanged AZs
//! keep their `Arc`); see racks.rs for what is drawn as SVG paths and what is DOM. Chips are
//! static DOM with no per-chip closures: one delegated click handler on the pane reads
//! `data-instance-id` (or `data-fault-target`), and the selection outline, the fault target and
//! the group colours are a few generated CSS rules.

use engine::view::InstanceChip;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::racks::{self, AzRacks, BlastPanel, FaultBar, Legend, RackUi, Target};
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

/// One instance: state-coloured, or in its placement group's colour (`data-group`, coloured by
/// a generated rule), with the partition number; hatched red when its system status is impaired.
pub fn chip_view(c: &InstanceChip) -> impl IntoView + use<> {
    let mut title = if c.label != c.id {
        format!("{} — {} ({}, {})", c.id, c.label, c.instance_type, c.state)
    } else {
        format!("{} ({}, {})", c.id, c.instance_type, c.state)
    };
    if let Some(g) = &c.group {
        title.push_str(&format!(" · group {g}"));
        if let Some(s) = &c.strategy {
            title.push_str(&format!(" ({s})"));
        }
    }
    if let Some(p) = c.partition {
        title.push_str(&format!(" · partition {p}"));
    }
    if c.system_status == "impaired" {
        title.push_str(" · system status check IMPAIRED");
    }
    let partition = c.partition.map(|p| format!("P{p}"));
    let impaired = (c.system_status == "impaired").then_some("impaired");
    let partition_text = partition.clone().map(|p| view! { <span class="p">{format!(" {p}")}</span> });
    view! {
        <span
            class=state_class(&c.state)
            data-testid="instance-chip"
            data-instance-id=c.id.clone()
            data-state=c.state.clone()
            data-group=c.group.clone()
            data-p=partition
            data-sys=impaired
            title=title
            role="button"
            tabindex="0"
        >
            <b class="t">{c.instance_type.clone()}</b>
            " "
            <span class="l">{short_label(c)}</span>
            {partition_text}
        </span>
    }
}

/// Longest label on a chip, in characters (the whole Name tag is in the tooltip).
const LABEL_CHARS: usize = 16;

/// The Name tag (cut at `LABEL_CHARS`), or for unnamed instances the tail of the id (`i-…3f9c2`)
/// so chips stay small. Cut here rather than by CSS ellipsis: `overflow: hidden` on every chip
/// cost a clip node each, which made repaints slow with thousands of chips.
fn short_label(c: &InstanceChip) -> String {
    if c.label == c.id && c.id.len() > 8 {
        let tail: String = c.id.chars().skip(c.id.chars().count().saturating_sub(5)).collect();
        format!("…{tail}")
    } else if c.label.chars().count() > LABEL_CHARS {
        let head: String = c.label.chars().take(LABEL_CHARS - 1).collect();
        format!("{head}…")
    } else {
        c.label.clone()
    }
}

/// More instances than this on a host → compact chips; more than `XDENSE` → tiny ones.
const DENSE: usize = 6;
const XDENSE: usize = 30;

pub fn chips_class(n: usize) -> &'static str {
    if n > XDENSE {
        "chips xdense"
    } else if n > DENSE {
        "chips dense"
    } else {
        "chips"
    }
}

/// `us-east-1a-r03-h2` → `h2`.
pub fn short(id: &str) -> &str {
    id.rsplit('-').next().unwrap_or(id)
}

/// Walk up from the event target to the closest element carrying `attr`.
fn closest_attr(ev: &web_sys::Event, attr: &str) -> Option<String> {
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let el = target.closest(&format!("[{attr}]")).ok()??;
    el.get_attribute(attr)
}

/// Only ids made of safe characters go into the generated CSS rules.
fn css_safe(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_stay_short() {
        let chip = |id: &str, label: &str| InstanceChip { id: id.into(), label: label.into(), ..Default::default() };
        assert_eq!(short_label(&chip("i-0123456789abcdef0", "i-0123456789abcdef0")), "…cdef0");
        assert_eq!(short_label(&chip("i-1", "web")), "web");
        assert_eq!(short_label(&chip("i-1", "a-very-long-name-for-a-chip")), "a-very-long-nam…");
        assert_eq!(short_label(&chip("i-1", "ééééééééééééééééééé")).chars().count(), LABEL_CHARS);
    }
}

#[component]
pub fn DatacenterPane(state: AppState) -> impl IntoView {
    let ui = RackUi::new(state);
    // A click on a chip selects the instance; elsewhere on a host, rack or AZ header it chooses
    // the fault buttons' target.
    let select = move |ev: &web_sys::Event| -> bool {
        if let Some(id) = closest_attr(ev, "data-instance-id") {
            state.selected.set(Some(id));
            return true;
        }
        if let Some(t) = closest_attr(ev, "data-fault-target").as_deref().and_then(Target::parse) {
            ui.target.set(Some(t));
            return true;
        }
        false
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        select(&ev);
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Enter" && ev.key() != " " {
            return;
        }
        // Only for the focusable things (chips, headers), not the buttons and the checkbox.
        let focusable = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| e.get_attribute("role").as_deref() == Some("button") && e.tag_name() != "BUTTON");
        if focusable && select(&ev) {
            ev.prevent_default();
        }
    };
    let az_names = move || state.azs.with(|v| v.iter().map(|a| a.name.clone()).collect::<Vec<_>>());
    // Selected and connected instances, the fault target and the group colours are a few
    // generated CSS rules, so none of these changes touches a chip.
    let selection_css = move || {
        let selected = state
            .selected
            .get()
            .filter(|id| css_safe(id))
            .map(|id| format!(".chip[data-instance-id=\"{id}\"]{{outline:3px solid var(--accent);outline-offset:1px;box-shadow:0 0 0 5px var(--accent-soft)}}"))
            .unwrap_or_default();
        let connected = state
            .connected
            .get()
            .filter(|id| css_safe(id))
            .map(|id| format!(".chip[data-instance-id=\"{id}\"]{{border-left:0.3rem solid var(--term-ps1)}}"))
            .unwrap_or_default();
        let target = ui
            .target
            .get()
            .filter(|t| css_safe(t.id()))
            .map(|t| match t {
                Target::Az(id) => format!(".az[data-az=\"{id}\"]>.az-head{{background:var(--accent-soft);outline:3px solid var(--accent)}}"),
                Target::Rack(id) => format!(".rack[data-rack-id=\"{id}\"]{{outline:3px solid var(--accent);outline-offset:1px}}"),
                Target::Host(id) => format!(".host[data-host-id=\"{id}\"]{{outline:3px solid var(--accent);outline-offset:1px}}"),
            })
            .unwrap_or_default();
        selected + &connected + &target
    };
    let group_css = move || ui.colours.with(racks::group_css);
    let unplaced = move || {
        state
            .unplaced
            .get()
            .into_iter()
            .map(|c| ((c.id.clone(), c.state.clone(), c.label.clone(), c.instance_type.clone(), c.group.clone(), c.partition), c))
            .collect::<Vec<_>>()
    };
    let unplaced_count = move || state.unplaced.with(Vec::len);
    view! {
        <section class="pane datacenter-pane" data-testid="datacenter" aria-label="Datacenter" on:click=on_click on:keydown=on_keydown>
            <style>{selection_css}</style>
            <style>{group_css}</style>
            <div class="pane-title dc-title">
                <h2>"Region " <span class="region">{move || state.region.get()}</span></h2>
                <FaultBar state ui />
            </div>
            <Legend ui />
            <Show when=move || ui.blast_open.get()>
                <BlastPanel ui />
            </Show>
            <Show when=move || state.azs.with(Vec::is_empty)>
                <p class="empty">"No datacenter data yet."</p>
            </Show>
            <div class="azs">
                <For each=az_names key=|n| n.clone() children=move |name| view! { <AzRacks state name ui /> } />
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
