//! The rack view: AZs → racks (failure domains) → hosts → this account's instances, coloured by
//! placement group and partition; the fault buttons for classroom demos; the blast radius of the
//! last hardware change, per placement group, before and after.
//!
//! What is DOM and what is drawn (528 racks and 2,112 hosts in the region):
//! * **The rack map** (one `<svg>` per AZ): every rack of the AZ as a small glyph, its four hosts
//!   as columns filled from the bottom with other accounts' load (grey), this account's
//!   instances (one colour per placement group, the rest dark), Dedicated Instances and Dedicated
//!   Hosts outlined in purple, failed racks and hosts in red. All of it is a dozen `<path>`s per
//!   AZ whose `d` is rebuilt (a string, one memo per path) when that AZ changes, in the task
//!   after the frame that shows the cards, plus one static transparent `<rect>` per rack that is
//!   only a click target (never re-rendered: the rack layout is fixed).
//! * **Rack cards** (DOM, reactive): only the racks that matter to this account (its
//!   instances, a Dedicated Host or Dedicated Instances host, a failed rack or host), or every
//!   rack when "All racks" is ticked. A card has a memo of its own rack (the AZ's `Arc` and an
//!   index, compared in place), so a change elsewhere in the AZ re-renders nothing in it; hosts
//!   are keyed by (id, hash of content) and chips are static DOM (clicks are delegated to the
//!   pane, see datacenter.rs).
//! * **Fault bar and blast radius** (DOM): every button types its `lab fail …`/`lab repair …`
//!   command through `AppState::run_command`, like a typed line. The blast radius is
//!   `engine::view::blast_radius` (per placement group: members, on failed hardware, impaired,
//!   partitions affected); "before" is that summary just before the set of failed hardware last
//!   changed, whoever changed it (a button or a typed command).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use engine::view::{AzView, GroupImpact, HostView, InstanceChip, RackView};
use leptos::prelude::*;

use crate::datacenter::{chip_view, chips_class, short};
use crate::instance::shell_quote;
use crate::state::AppState;

// ---------------------------------------------------------------------------------------------
// Fault targets and commands
// ---------------------------------------------------------------------------------------------

/// What the fault buttons act on: chosen by clicking an AZ's header, a rack or a host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Az(String),
    Rack(String),
    Host(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Power,
    Network,
    Host,
}

impl Target {
    /// `rack:us-east-1a-r03` (the `data-fault-target` attribute) → a target.
    pub fn parse(s: &str) -> Option<Target> {
        let (kind, id) = s.split_once(':')?;
        if id.is_empty() {
            return None;
        }
        match kind {
            "az" => Some(Target::Az(id.to_string())),
            "rack" => Some(Target::Rack(id.to_string())),
            "host" => Some(Target::Host(id.to_string())),
            _ => None,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Target::Az(_) => "az",
            Target::Rack(_) => "rack",
            Target::Host(_) => "host",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Target::Az(id) | Target::Rack(id) | Target::Host(id) => id,
        }
    }

    /// The console command that breaks this target that way (`None`: not a fault it can have).
    pub fn fail_command(&self, fault: Fault) -> Option<String> {
        let id = shell_quote(self.id());
        match (self, fault) {
            (Target::Az(_) | Target::Rack(_), Fault::Power) => Some(format!("lab fail {} {id} --power", self.kind())),
            (Target::Az(_) | Target::Rack(_), Fault::Network) => Some(format!("lab fail {} {id} --network", self.kind())),
            (Target::Host(_), Fault::Host) => Some(format!("lab fail host {id}")),
            _ => None,
        }
    }

    pub fn repair_command(&self) -> String {
        format!("lab repair {} {}", self.kind(), shell_quote(self.id()))
    }
}

pub const REPAIR_ALL: &str = "lab repair all";

// ---------------------------------------------------------------------------------------------
// Group colours
// ---------------------------------------------------------------------------------------------

/// Saturated, colour-blind-friendly colours (Okabe–Ito and friends) with the text colour that
/// reads on each. No red (failures), no purple (dedicated hardware), no green (running), no grey
/// (other accounts).
pub const PALETTE: [(&str, &str); 8] = [
    ("#0072b2", "#ffffff"),
    ("#e69f00", "#000000"),
    ("#cc79a7", "#000000"),
    ("#56b4e9", "#000000"),
    ("#f0e442", "#000000"),
    ("#8c564b", "#ffffff"),
    ("#0b6e69", "#ffffff"),
    ("#bcbd22", "#000000"),
];

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A palette slot per group name: the name's hash picks it, a taken slot passes on to the next
/// free one (names in sorted order). So up to `PALETTE.len()` groups have distinct colours, and a
/// group keeps its colour from one session to the next.
pub fn assign_colours<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let names: BTreeSet<&str> = names.into_iter().collect();
    let n = PALETTE.len();
    let mut taken = [false; PALETTE.len()];
    let mut out = BTreeMap::new();
    for (k, name) in names.into_iter().enumerate() {
        let mut slot = (fnv(name) % n as u64) as usize;
        if k < n {
            while taken[slot] {
                slot = (slot + 1) % n;
            }
            taken[slot] = true;
        }
        out.insert(name.to_string(), slot);
    }
    out
}

pub fn colour(colours: &BTreeMap<String, usize>, group: &str) -> (&'static str, &'static str) {
    colours.get(group).and_then(|&i| PALETTE.get(i)).copied().unwrap_or(("#6b7280", "#ffffff"))
}

/// A CSS string literal's content: anything but plain characters as a `\HEX ` escape.
fn css_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || " -_.:/".contains(c) {
            out.push(c);
        } else {
            let _ = write!(out, "\\{:x} ", u32::from(c));
        }
    }
    out
}

/// One rule per group: `[data-group="web"]{--g:…;--gfg:…}` (chips, tags and legend swatches use
/// the variables), so a new group's colour touches no chip.
pub fn group_css(colours: &BTreeMap<String, usize>) -> String {
    let mut css = String::new();
    for name in colours.keys() {
        let (bg, fg) = colour(colours, name);
        let _ = write!(css, "[data-group=\"{}\"]{{--g:{bg};--gfg:{fg}}}", css_string(name));
    }
    css
}

/// Every placement group with an instance in view, and its strategy.
pub fn groups_in_view(azs: &[Arc<AzView>], unplaced: &[InstanceChip]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let chips = azs.iter().flat_map(|a| &a.racks).flat_map(|r| &r.hosts).flat_map(|h| &h.instances).chain(unplaced);
    for c in chips {
        if let Some(g) = &c.group {
            out.entry(g.clone()).or_insert_with(|| c.strategy.clone().unwrap_or_default());
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Blast radius
// ---------------------------------------------------------------------------------------------

/// How many members a hardware change hit: on failed hardware or impaired (whichever counts
/// more: they are mostly the same instances), plus those no longer on a host (stopped).
pub fn hit(g: &GroupImpact) -> usize {
    g.on_failed_hardware.max(g.impaired) + g.members.saturating_sub(g.placed)
}

/// The failed hardware, one line each, sorted: a whole AZ as one line.
pub fn failed_hardware(azs: &[Arc<AzView>]) -> Vec<String> {
    let mut out = Vec::new();
    for az in azs {
        if az.down() {
            let power = az.racks.iter().all(|r| !r.power_ok);
            let network = az.racks.iter().all(|r| !r.network_ok);
            let what = match (power, network) {
                (true, true) => "power and network",
                (true, false) => "power",
                _ => "network",
            };
            out.push(format!("{} (AZ): {what} down", az.name));
        } else {
            for r in &az.racks {
                if !r.power_ok {
                    out.push(format!("{}: power down", r.id));
                }
                if !r.network_ok {
                    out.push(format!("{}: network down", r.id));
                }
            }
        }
        for h in az.racks.iter().flat_map(|r| &r.hosts) {
            if !h.healthy {
                out.push(format!("{}: host down", h.id));
            }
        }
    }
    out.sort();
    out
}

/// What changed between two `failed_hardware` lists, in words.
pub fn describe_change(before: &[String], after: &[String]) -> String {
    let failed: Vec<&String> = after.iter().filter(|x| !before.contains(x)).collect();
    let repaired: Vec<&String> = before.iter().filter(|x| !after.contains(x)).collect();
    let list = |v: &[&String]| {
        let mut s = v.iter().take(3).map(|x| x.as_str()).collect::<Vec<_>>().join("; ");
        if v.len() > 3 {
            let _ = write!(s, "; and {} more", v.len() - 3);
        }
        s
    };
    let mut parts = Vec::new();
    if !failed.is_empty() {
        parts.push(format!("failed: {}", list(&failed)));
    }
    if !repaired.is_empty() {
        parts.push(format!("repaired: {}", list(&repaired)));
    }
    parts.join(" · ")
}

/// The blast radius' "before": the summary just before the last change of failed hardware.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Baseline {
    pub change: String,
    pub before: Vec<GroupImpact>,
}

/// Signals shared by the pane, the AZs and the panels.
#[derive(Clone, Copy)]
pub struct RackUi {
    pub target: RwSignal<Option<Target>>,
    pub show_all: RwSignal<bool>,
    pub colours: Memo<BTreeMap<String, usize>>,
    pub groups: Memo<BTreeMap<String, String>>,
    pub impacts: Memo<Vec<GroupImpact>>,
    pub baseline: RwSignal<Option<Baseline>>,
    pub blast_open: RwSignal<bool>,
}

impl RackUi {
    /// Create the signals, and watch the failed hardware: when it changes, the summary from just
    /// before becomes the blast radius' "before" and the panel opens.
    pub fn new(state: AppState) -> RackUi {
        // The world's placement groups as the blast radius lists them (every group, in creation
        // order), recomputed whenever the views were (`tick`).
        let impacts = Memo::new(move |_| {
            state.tick.track();
            state.with_lab(|lab| engine::view::blast_radius(lab.world())).unwrap_or_default()
        });
        let groups = Memo::new(move |_| {
            let mut g = state.azs.with(|azs| state.unplaced.with(|u| groups_in_view(azs, u)));
            impacts.with(|i| {
                for x in i {
                    g.entry(x.name.clone()).or_insert_with(|| x.strategy.clone());
                }
            });
            g
        });
        let colours = Memo::new(move |_| groups.with(|g| assign_colours(g.keys().map(String::as_str))));
        let hardware = Memo::new(move |_| state.azs.with(|azs| failed_hardware(azs)));
        let baseline = RwSignal::new(None);
        let blast_open = RwSignal::new(false);
        Effect::new(move |prev: Option<(Vec<String>, Vec<GroupImpact>)>| {
            let hw = hardware.get();
            let now = impacts.get();
            if let Some((prev_hw, prev_impacts)) = prev
                && prev_hw != hw
            {
                baseline.set(Some(Baseline { change: describe_change(&prev_hw, &hw), before: prev_impacts }));
                blast_open.set(true);
            }
            (hw, now)
        });
        RackUi { target: RwSignal::new(None), show_all: RwSignal::new(false), colours, groups, impacts, baseline, blast_open }
    }
}

// ---------------------------------------------------------------------------------------------
// The rack map (SVG paths)
// ---------------------------------------------------------------------------------------------

const LABEL_W: f64 = 30.0;
const RACK_W: f64 = 31.0;
const RACK_H: f64 = 15.0;
const GAP_X: f64 = 4.0;
const GAP_Y: f64 = 4.0;
const PAD: f64 = 3.0;
const INSET: f64 = 2.0;

/// Where each rack of the AZ is drawn: rows are families (in layout order), columns the racks of
/// that family. Returns (rack index, row, column) and the number of rows and columns.
fn layout(az: &AzView) -> (Vec<(usize, usize, usize)>, Vec<String>, usize) {
    let mut families: Vec<String> = Vec::new();
    let mut per_row: Vec<usize> = Vec::new();
    let mut cells = Vec::with_capacity(az.racks.len());
    for (i, r) in az.racks.iter().enumerate() {
        let row = match families.iter().position(|f| *f == r.family) {
            Some(row) => row,
            None => {
                families.push(r.family.clone());
                per_row.push(0);
                families.len() - 1
            }
        };
        cells.push((i, row, per_row[row]));
        per_row[row] += 1;
    }
    let cols = per_row.iter().copied().max().unwrap_or(0);
    (cells, families, cols)
}

fn rack_xy(row: usize, col: usize) -> (f64, f64) {
    (LABEL_W + col as f64 * (RACK_W + GAP_X), PAD + row as f64 * (RACK_H + GAP_Y))
}

fn map_size(rows: usize, cols: usize) -> (f64, f64) {
    let w = LABEL_W + cols as f64 * (RACK_W + GAP_X) - GAP_X + PAD;
    let h = 2.0 * PAD + rows as f64 * (RACK_H + GAP_Y) - GAP_Y;
    (w.max(LABEL_W + PAD), h.max(2.0 * PAD))
}

/// Host column `k` of `n` in the rack at (x, y): (x, y, width, height).
fn host_rect(x: f64, y: f64, k: usize, n: usize) -> (f64, f64, f64, f64) {
    let n = n.max(1);
    let inner = RACK_W - 2.0 * INSET;
    let w = (inner - (n as f64 - 1.0)) / n as f64;
    (x + INSET + k as f64 * (w + 1.0), y + INSET, w, RACK_H - 2.0 * INSET)
}

/// A coordinate with one decimal, written through integer formatting: Rust's exact float
/// formatting (`{:.1}`) was the slowest part of rebuilding a map (thousands of numbers).
fn num(d: &mut String, v: f64) {
    let t = (v * 10.0).round() as i64;
    if t < 0 {
        d.push('-');
    }
    let t = t.unsigned_abs();
    let _ = write!(d, "{}", t / 10);
    if !t.is_multiple_of(10) {
        let _ = write!(d, ".{}", t % 10);
    }
}

/// Path commands with numbers: `cmd(d, "M", &[x, y])` → `M12.5 3`.
fn cmd(d: &mut String, c: &str, args: &[f64]) {
    d.push_str(c);
    for (i, &a) in args.iter().enumerate() {
        if i > 0 {
            d.push(' ');
        }
        num(d, a);
    }
}

fn rect(d: &mut String, x: f64, y: f64, w: f64, h: f64) {
    cmd(d, "M", &[x, y]);
    cmd(d, "h", &[w]);
    cmd(d, "v", &[h]);
    cmd(d, "h", &[-w]);
    d.push('Z');
}

/// The paths of one AZ's map.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct MapPaths {
    racks: String,
    down_bg: String,
    hosts: String,
    neighbours: String,
    own: String,
    groups: Vec<(String, String)>,
    dedicated: String,
    dhost: String,
    power: String,
    network: String,
    strike: String,
    host_failed: String,
}

/// Height of a fill segment for `units` of `cap` in a column `h` high: at least `min`, so one
/// small instance on a big host still shows.
fn seg(units: u32, cap: u32, h: f64, min: f64) -> f64 {
    if units == 0 || cap == 0 {
        0.0
    } else {
        (f64::from(units) / f64::from(cap) * h).max(min).min(h)
    }
}

fn map_paths(az: &AzView, colours: &BTreeMap<String, usize>) -> MapPaths {
    let (cells, _, _) = layout(az);
    let mut p = MapPaths::default();
    let mut units_cache: HashMap<&str, u32> = HashMap::new();
    let mut groups: BTreeMap<&'static str, String> = BTreeMap::new();
    for (i, row, col) in cells {
        let Some(r) = az.racks.get(i) else { continue };
        let (x, y) = rack_xy(row, col);
        rect(&mut p.racks, x, y, RACK_W, RACK_H);
        if !r.power_ok || !r.network_ok {
            rect(&mut p.down_bg, x, y, RACK_W, RACK_H);
            cmd(&mut p.strike, "M", &[x, y + RACK_H]);
            cmd(&mut p.strike, "L", &[x + RACK_W, y]);
            rect(if r.power_ok { &mut p.network } else { &mut p.power }, x, y, RACK_W, RACK_H);
        }
        let n = r.hosts.len();
        for (k, h) in r.hosts.iter().enumerate() {
            let (hx, hy, hw, hh) = host_rect(x, y, k, n);
            rect(&mut p.hosts, hx, hy, hw, hh);
            let cap = h.capacity_units;
            // Bottom up: other accounts (grey), then each placement group, then the rest of ours.
            let mut top = hy + hh;
            let nb = seg(h.neighbour_units, cap, hh, 1.0);
            if nb > 0.0 {
                top -= nb;
                rect(&mut p.neighbours, hx, top, hw, nb);
            }
            let mut grouped: BTreeMap<&str, u32> = BTreeMap::new();
            for c in &h.instances {
                if let Some(g) = &c.group {
                    let u = *units_cache
                        .entry(c.instance_type.as_str())
                        .or_insert_with(|| engine::catalog::instance_type(&c.instance_type).map_or(1, |t| t.host_units()));
                    *grouped.entry(g.as_str()).or_default() += u;
                }
            }
            let grouped_units: u32 = grouped.values().sum();
            for (g, u) in grouped {
                let s = seg(u, cap, hh, 2.5).min(top - hy);
                if s > 0.0 {
                    top -= s;
                    rect(groups.entry(colour(colours, g).0).or_default(), hx, top, hw, s);
                }
            }
            let rest = seg(h.used_units.saturating_sub(grouped_units), cap, hh, 2.0).min(top - hy);
            if rest > 0.0 {
                rect(&mut p.own, hx, top - rest, hw, rest);
            }
            match h.tenancy.as_str() {
                "dedicated" => rect(&mut p.dedicated, hx - 0.4, hy - 0.4, hw + 0.8, hh + 0.8),
                "host" => rect(&mut p.dhost, hx - 0.5, hy - 0.5, hw + 1.0, hh + 1.0),
                _ => {}
            }
            if !h.healthy {
                cmd(&mut p.host_failed, "M", &[hx, hy]);
                cmd(&mut p.host_failed, "l", &[hw, hh]);
                cmd(&mut p.host_failed, "m", &[0.0, -hh]);
                cmd(&mut p.host_failed, "l", &[-hw, hh]);
            }
        }
    }
    p.groups = groups.into_iter().map(|(c, d)| (c.to_string(), d)).collect();
    p
}

/// The outline of the fault target, if it is in this AZ.
fn selection_path(az: &AzView, target: &Option<Target>) -> String {
    let mut d = String::new();
    let Some(target) = target else { return d };
    let (cells, families, cols) = layout(az);
    match target {
        Target::Az(name) if *name == az.name => {
            let (w, h) = map_size(families.len(), cols);
            rect(&mut d, 1.0, 1.0, w - 2.0, h - 2.0);
        }
        Target::Rack(id) | Target::Host(id) => {
            for (i, row, col) in cells {
                let Some(r) = az.racks.get(i) else { continue };
                let (x, y) = rack_xy(row, col);
                if r.id == *id {
                    rect(&mut d, x - 1.5, y - 1.5, RACK_W + 3.0, RACK_H + 3.0);
                }
                if let Some(k) = r.hosts.iter().position(|h| h.id == *id) {
                    let (hx, hy, hw, hh) = host_rect(x, y, k, r.hosts.len());
                    rect(&mut d, hx - 1.0, hy - 1.0, hw + 2.0, hh + 2.0);
                }
            }
        }
        _ => {}
    }
    d
}

/// Run `f` in the task after the next frame (requestAnimationFrame, then a 0 ms timeout), so
/// the frame showing what just changed is not held up by it.
fn after_next_frame(f: impl FnOnce() + 'static) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;
    let Some(w) = web_sys::window() else { return };
    let cb = Closure::once_into_js(move || gloo_timers::callback::Timeout::new(0, f).forget());
    let _ = w.request_animation_frame(cb.unchecked_ref());
}

#[component]
fn RackMap(az: Memo<Option<Arc<AzView>>>, ui: RackUi) -> impl IntoView {
    // The map follows its AZ one frame later: the cards and chips (what the learner just changed)
    // are drawn first, the overview of 352 hosts right after that frame, coalesced.
    let shown = RwSignal::new(az.get_untracked());
    let pending = StoredValue::new(false);
    Effect::new(move |_| {
        az.track();
        if pending.try_get_value().unwrap_or(true) {
            return;
        }
        pending.set_value(true);
        after_next_frame(move || {
            pending.try_update_value(|p| *p = false);
            if let Some(a) = az.try_get_untracked() {
                shown.try_set(a);
            }
        });
    });
    let az = shown;
    // The layout: fixed for the AZ, so the labels and click targets are made once.
    let shape = Memo::new(move |_| {
        az.with(|a| {
            let Some(a) = a else { return (Vec::new(), Vec::new(), 0) };
            let (cells, families, cols) = layout(a);
            let racks = cells
                .into_iter()
                .filter_map(|(i, row, col)| a.racks.get(i).map(|r| (r.id.clone(), r.family.clone(), row, col)))
                .collect::<Vec<_>>();
            (racks, families, cols)
        })
    });
    let view_box = move || {
        shape.with(|(_, families, cols)| {
            let (w, h) = map_size(families.len(), *cols);
            format!("0 0 {w:.1} {h:.1}")
        })
    };
    let paths = Memo::new(move |_| {
        az.with(|a| ui.colours.with(|c| a.as_ref().map(|a| map_paths(a, c)).unwrap_or_default()))
    });
    let sel = Memo::new(move |_| az.with(|a| ui.target.with(|t| a.as_ref().map(|a| selection_path(a, t)).unwrap_or_default())));
    let label = move || {
        az.with(|a| {
            a.as_ref()
                .map(|a| {
                    let down = a.racks.iter().filter(|r| !r.power_ok || !r.network_ok).count();
                    format!("Rack map of {}: {} racks, {down} down. Click a rack to choose it for the fault buttons.", a.name, a.racks.len())
                })
                .unwrap_or_default()
        })
    };
    // One memo per path, so a launch that only changes this account's fill sets one `d`.
    let p = move |f: fn(&MapPaths) -> String| {
        let d = Memo::new(move |_| paths.with(f));
        move || d.get()
    };
    let labels = move || {
        shape.with(|(_, families, _)| families.iter().enumerate().map(|(i, f)| (i, f.clone())).collect::<Vec<_>>())
    };
    let hits = move || shape.with(|(racks, _, _)| racks.clone());
    let group_layers = move || paths.with(|p| p.groups.clone());
    view! {
        <svg class="rack-map" data-testid="rack-map" viewBox=view_box role="img" aria-label=label preserveAspectRatio="xMinYMin meet">
            <For
                each=labels
                key=|l| l.clone()
                children=|(row, family)| {
                    let (_, y) = rack_xy(row, 0);
                    view! { <text class="m-label" x="1" y=format!("{:.1}", y + RACK_H * 0.72)>{family}</text> }
                }
            />
            <path class="m-rack" d=p(|p| p.racks.clone()) />
            <path class="m-down-bg" d=p(|p| p.down_bg.clone()) />
            <path class="m-host" d=p(|p| p.hosts.clone()) />
            <path class="m-nb" d=p(|p| p.neighbours.clone()) />
            <For
                each=group_layers
                key=|l| l.clone()
                children=|(fill, d)| view! { <path class="m-group" fill=fill d=d /> }
            />
            <path class="m-own" d=p(|p| p.own.clone()) />
            <path class="m-ded" d=p(|p| p.dedicated.clone()) />
            <path class="m-dh" d=p(|p| p.dhost.clone()) />
            <path class="m-power" d=p(|p| p.power.clone()) />
            <path class="m-network" d=p(|p| p.network.clone()) />
            <path class="m-strike" d=p(|p| p.strike.clone()) />
            <path class="m-host-failed" d=p(|p| p.host_failed.clone()) />
            <path class="m-sel" d=move || sel.get() />
            <For
                each=hits
                key=|h| h.0.clone()
                children=|(id, family, row, col)| {
                    let (x, y) = rack_xy(row, col);
                    view! {
                        <rect
                            class="m-hit"
                            data-testid="rack-cell"
                            data-rack-id=id.clone()
                            data-fault-target=format!("rack:{id}")
                            x=format!("{x:.1}")
                            y=format!("{y:.1}")
                            width=format!("{RACK_W:.1}")
                            height=format!("{RACK_H:.1}")
                        >
                            <title>{format!("{id} · {family} (click: choose for the fault buttons)")}</title>
                        </rect>
                    }
                }
            />
        </svg>
    }
}

// ---------------------------------------------------------------------------------------------
// Rack cards and hosts (DOM)
// ---------------------------------------------------------------------------------------------

fn host_key(h: &HostView) -> (String, u64) {
    let mut s = DefaultHasher::new();
    h.family.hash(&mut s);
    h.capacity_units.hash(&mut s);
    h.used_units.hash(&mut s);
    h.tenancy.hash(&mut s);
    h.dedicated_host_id.hash(&mut s);
    h.neighbours.hash(&mut s);
    h.neighbour_units.hash(&mut s);
    h.healthy.hash(&mut s);
    for c in &h.instances {
        c.id.hash(&mut s);
        c.label.hash(&mut s);
        c.instance_type.hash(&mut s);
        c.state.hash(&mut s);
        c.group.hash(&mut s);
        c.partition.hash(&mut s);
        c.system_status.hash(&mut s);
    }
    (h.id.clone(), s.finish())
}

fn cores(units: u32) -> String {
    let c = f64::from(units) / 4.0;
    if c.fract() == 0.0 { format!("{c:.0}") } else { format!("{c}") }
}

fn host_view(h: HostView) -> impl IntoView {
    let cap = f64::from(h.capacity_units.max(1));
    let nb_pct = (f64::from(h.neighbour_units) * 100.0 / cap).min(100.0);
    let own_pct = (f64::from(h.used_units) * 100.0 / cap).min(100.0 - nb_pct);
    let full = h.capacity_units > 0 && h.used_units + h.neighbour_units >= h.capacity_units;
    let ded = h.tenancy == "dedicated";
    let dhost = h.tenancy == "host";
    let mut title = format!(
        "{} · {} host · {} of {} cores used by you",
        h.id,
        h.family,
        cores(h.used_units),
        cores(h.capacity_units)
    );
    if h.neighbours > 0 {
        let _ = write!(title, ", {} by {} instance(s) of other accounts", cores(h.neighbour_units), h.neighbours);
    }
    if ded {
        title.push_str(" · runs only your Dedicated Instances");
    }
    if let Some(d) = &h.dedicated_host_id {
        let _ = write!(title, " · your Dedicated Host {d}");
    }
    if !h.healthy {
        title.push_str(" · HOST FAILED");
    }
    title.push_str(" (click: choose for the fault buttons)");
    let n = h.instances.len();
    let chips = h.instances.iter().map(chip_view).collect_view();
    let dh_id = h.dedicated_host_id.clone().map(|id| view! { <span class="dh-id" data-testid="dedicated-host-id">{id}</span> });
    let cap_text = dhost.then(|| {
        view! { <span class="cap" data-testid="host-capacity">{format!("{}/{} cores", cores(h.used_units), cores(h.capacity_units))}</span> }
    });
    let nb_text = (h.neighbours > 0).then(|| {
        view! { <span class="nb-count" title="Other accounts' instances: anonymous">{format!("+{}", h.neighbours)}</span> }
    });
    view! {
        <div
            class="host"
            class:full=full
            class:ded=ded
            class:dhost=dhost
            class:failed=!h.healthy
            data-testid="host"
            data-host-id=h.id.clone()
            data-tenancy=h.tenancy.clone()
            data-healthy=h.healthy.to_string()
            data-fault-target=format!("host:{}", h.id)
            title=title
        >
            <div class="host-head">
                <span class="host-name" role="button" tabindex="0">{short(&h.id).to_string()}</span>
                {dh_id}
                {ded.then(|| view! { <span class="ded-badge">"dedicated"</span> })}
                <span class="fill">
                    <span class="nb" style=format!("width:{nb_pct:.1}%")></span>
                    <span class="own" style=format!("width:{own_pct:.1}%")></span>
                </span>
                {nb_text}
                {cap_text}
                {(!h.healthy).then(|| view! { <span class="down-badge">"DOWN"</span> })}
            </div>
            <div class=chips_class(n)>{chips}</div>
        </div>
    }
}

/// The (group, partition) pairs on a rack, for the tags under its header.
fn rack_tags(r: &RackView) -> Vec<(String, Option<u32>)> {
    let mut tags: BTreeSet<(String, Option<u32>)> = BTreeSet::new();
    for c in r.hosts.iter().flat_map(|h| &h.instances) {
        if let Some(g) = &c.group {
            tags.insert((g.clone(), c.partition));
        }
    }
    tags.into_iter().collect()
}

#[component]
fn RackCard(az: Memo<Option<Arc<AzView>>>, id: String, family: String) -> impl IntoView {
    let rid = id.clone();
    // The AZ's `Arc` and the rack's index in it: nothing is cloned, and the memo only fires when
    // this rack's contents changed (compared in place in the old and new AZ views).
    let slot = Memo::new_with_compare(
        move |_| az.with(|a| a.as_ref().and_then(|a| a.racks.iter().position(|r| r.id == rid).map(|i| (a.clone(), i)))),
        |old: Option<&Option<RackSlot>>, new: Option<&Option<RackSlot>>| slot_rack(old) != slot_rack(new),
    );
    let with_rack = move |f: &dyn Fn(&RackView) -> bool| slot.with(|s| s.as_ref().and_then(|(a, i)| a.racks.get(*i)).is_none_or(f));
    let power_ok = move || with_rack(&|r| r.power_ok);
    let network_ok = move || with_rack(&|r| r.network_ok);
    let status = move || match (power_ok(), network_ok()) {
        (true, true) => String::new(),
        (false, true) => "POWER DOWN".to_string(),
        (true, false) => "NETWORK DOWN".to_string(),
        (false, false) => "POWER + NETWORK DOWN".to_string(),
    };
    let hosts = move || {
        slot.with(|s| {
            s.as_ref()
                .and_then(|(a, i)| a.racks.get(*i))
                .map(|r| r.hosts.iter().map(|h| (host_key(h), h.clone())).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let tags = move || slot.with(|s| s.as_ref().and_then(|(a, i)| a.racks.get(*i)).map(rack_tags).unwrap_or_default());
    let title = format!("Rack {id}: a failure domain with its own power and network (click: choose for the fault buttons)");
    view! {
        <div
            class="rack"
            class:power-down=move || !power_ok()
            class:network-down=move || !network_ok()
            data-testid="rack"
            data-rack-id=id.clone()
            data-power=move || if power_ok() { "ok" } else { "down" }
            data-network=move || if network_ok() { "ok" } else { "down" }
            data-fault-target=format!("rack:{id}")
        >
            <div class="rack-head" role="button" tabindex="0" title=title>
                <span class="rack-name">{short(&id).to_string()}</span>
                <span class="family">{family}</span>
                <span class="rack-status" data-testid="rack-status">{status}</span>
            </div>
            <div class="rack-tags">
                <For
                    each=tags
                    key=|t| t.clone()
                    children=|(g, p)| {
                        let text = match p {
                            Some(p) => format!("{g} P{p}"),
                            None => g.clone(),
                        };
                        view! { <span class="gtag" data-group=g>{text}</span> }
                    }
                />
            </div>
            <For each=hosts key=|(k, _)| k.clone() children=|(_, h)| host_view(h) />
        </div>
    }
}

/// Where a rack card finds its rack: the AZ view and the rack's index in it.
type RackSlot = (Arc<AzView>, usize);

fn slot_rack(s: Option<&Option<RackSlot>>) -> Option<&RackView> {
    s.and_then(|s| s.as_ref()).and_then(|(a, i)| a.racks.get(*i))
}

/// A rack worth a card: this account uses it (instances, dedicated hardware) or it has failed
/// while the rest of its AZ is up (a whole AZ down is said once, on the AZ).
fn in_use(r: &RackView, az_down: bool) -> bool {
    r.hosts.iter().any(|h| !h.instances.is_empty() || h.tenancy != "shared" || !h.healthy)
        || (!az_down && (!r.power_ok || !r.network_ok))
}

#[component]
pub fn AzRacks(state: AppState, name: String, ui: RackUi) -> impl IntoView {
    let az_name = name.clone();
    let az = Memo::new(move |_| state.azs.with(|v| v.iter().find(|a| a.name == az_name).cloned()));
    let zone_id = move || az.with(|a| a.as_ref().map(|a| a.zone_id.clone()).unwrap_or_default());
    let down = Memo::new(move |_| {
        az.with(|a| {
            let a = a.as_ref().filter(|a| a.down())?;
            let power = a.racks.iter().all(|r| !r.power_ok);
            let network = a.racks.iter().all(|r| !r.network_ok);
            Some(match (power, network) {
                (true, true) => "AZ DOWN: power and network",
                (true, false) => "AZ DOWN: power",
                _ => "AZ DOWN: network",
            })
        })
    });
    let visible = Memo::new(move |_| {
        let all = ui.show_all.get();
        az.with(|a| {
            a.as_ref()
                .map(|a| {
                    let az_down = a.down();
                    a.racks
                        .iter()
                        .filter(|r| all || in_use(r, az_down))
                        .map(|r| (r.id.clone(), r.family.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let stats = move || {
        az.with(|a| {
            let Some(a) = a else { return String::new() };
            let hosts: usize = a.racks.iter().map(|r| r.hosts.len()).sum();
            let inst: usize = a.racks.iter().flat_map(|r| &r.hosts).map(|h| h.instances.len()).sum();
            format!("{} racks · {hosts} hosts · {inst} instances", a.racks.len())
        })
    };
    let quiet = move || {
        let shown = visible.with(Vec::len);
        let total = az.with(|a| a.as_ref().map_or(0, |a| a.racks.len()));
        if ui.show_all.get() || shown >= total {
            String::new()
        } else if shown == 0 {
            format!("None of your instances here: all {total} racks are in the map below.")
        } else {
            format!("{} more racks without your instances: in the map below.", total - shown)
        }
    };
    view! {
        <div class="az" class:down=move || down.get().is_some() data-testid=format!("az-{name}") data-az=name.clone()>
            <div
                class="az-head"
                role="button"
                tabindex="0"
                data-fault-target=format!("az:{name}")
                title=format!("{name}: an Availability Zone (click: choose it for the fault buttons)")
            >
                <span class="az-name">{name.clone()}</span>
                <span class="zone-id">{zone_id}</span>
                <span class="az-down" data-testid="az-down">{move || down.get().unwrap_or_default()}</span>
                <span class="az-stats">{stats}</span>
            </div>
            <div class="racks">
                <For each=move || visible.get() key=|r| r.clone() children=move |(id, family)| view! { <RackCard az id family /> } />
            </div>
            <p class="quiet-racks">{quiet}</p>
            <RackMap az ui />
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// Fault bar, legend, blast radius
// ---------------------------------------------------------------------------------------------

/// One "Fail …" button: disabled until a target that can fail that way is chosen; its title is
/// the command it will type.
fn fault_button(
    run: impl Fn(Option<String>) + Copy + Send + Sync + 'static,
    cmd: impl Fn(Fault) -> Option<String> + Copy + Send + Sync + 'static,
    fault: Fault,
    testid: &'static str,
    text: &'static str,
) -> impl IntoView {
    view! {
        <button
            class="fault"
            data-testid=testid
            disabled=move || cmd(fault).is_none()
            title=move || cmd(fault).unwrap_or_else(|| "Choose a rack or an AZ first".into())
            on:click=move |_| run(cmd(fault))
        >
            {text}
        </button>
    }
}

#[component]
pub fn FaultBar(state: AppState, ui: RackUi) -> impl IntoView {
    let run = move |cmd: Option<String>| {
        if let Some(cmd) = cmd {
            state.run_command(&cmd);
        }
    };
    let cmd = move |fault: Fault| ui.target.with(|t| t.as_ref().and_then(|t| t.fail_command(fault)));
    let repair = move || ui.target.with(|t| t.as_ref().map(Target::repair_command));
    let is_host = move || ui.target.with(|t| matches!(t, Some(Target::Host(_))));
    let label = move || match ui.target.get() {
        Some(Target::Az(id)) => format!("AZ {id}"),
        Some(Target::Rack(id)) => format!("rack {id}"),
        Some(Target::Host(id)) => format!("host {id}"),
        None => "none: click a rack, a host or an AZ".to_string(),
    };
    view! {
        <div class="faultbar" data-testid="fault-bar" role="group" aria-label="Fault injection">
            <span class="fault-target">"Target: " <b data-testid="fault-target">{label}</b></span>
            <Show when=move || !is_host()>
                {fault_button(run, cmd, Fault::Power, "btn-fail-power", "⚡ Fail power")}
                {fault_button(run, cmd, Fault::Network, "btn-fail-network", "✂ Fail network")}
            </Show>
            <Show when=is_host>
                {fault_button(run, cmd, Fault::Host, "btn-fail-host", "✖ Fail host")}
            </Show>
            <button
                class="repair"
                data-testid="btn-repair"
                disabled=move || repair().is_none()
                title=move || repair().unwrap_or_else(|| "Choose a rack, a host or an AZ first".into())
                on:click=move |_| run(repair())
            >
                "✔ Repair"
            </button>
            <button class="repair" data-testid="btn-repair-all" title=REPAIR_ALL on:click=move |_| run(Some(REPAIR_ALL.to_string()))>
                "✔ Repair all"
            </button>
            <button
                data-testid="btn-blast"
                aria-pressed=move || ui.blast_open.get().to_string()
                class:active=move || ui.blast_open.get()
                title="Per placement group: members impaired or lost, before and after the last hardware change"
                on:click=move |_| ui.blast_open.update(|o| *o = !*o)
            >
                "Blast radius"
            </button>
            <label class="toggle" title="Show every rack as a card (they are always in the map)">
                <input
                    type="checkbox"
                    data-testid="show-all-racks"
                    prop:checked=move || ui.show_all.get()
                    on:change=move |_| ui.show_all.update(|v| *v = !*v)
                />
                " All racks"
            </label>
        </div>
    }
}

#[component]
pub fn Legend(ui: RackUi) -> impl IntoView {
    let groups = move || ui.groups.get().into_iter().collect::<Vec<_>>();
    view! {
        <div class="dc-legend" data-testid="legend">
            <span class="legend-part">
                <span class="chip st-pending">"pending"</span>
                <span class="chip st-running">"running"</span>
                <span class="chip st-stopping">"stopping"</span>
                <span class="chip st-stopped">"stopped"</span>
                <span class="chip st-terminated">"terminated"</span>
            </span>
            <span class="legend-part">
                <For
                    each=groups
                    key=|g| g.clone()
                    children=|(g, strategy)| {
                        view! {
                            <span class="gtag" data-group=g.clone() data-testid="legend-group" title=format!("placement group {g} ({strategy})")>
                                {format!("{g} · {strategy}")}
                            </span>
                        }
                    }
                />
            </span>
            <span class="legend-part">
                <span class="lg lg-rack" title="A rack is a failure domain: its own power and network">"rack = failure domain"</span>
                <span class="lg lg-nb">"others' instances"</span>
                <span class="lg lg-own">"yours"</span>
                <span class="lg lg-failed">"failed"</span>
                <span class="lg lg-impaired">"impaired"</span>
                <span class="lg lg-ded">"dedicated"</span>
            </span>
        </div>
    }
}

fn impact_cell(g: Option<&GroupImpact>) -> (String, bool) {
    let Some(g) = g else { return ("–".to_string(), false) };
    let stopped = g.members.saturating_sub(g.placed);
    if g.on_failed_hardware == 0 && g.impaired == 0 {
        return match stopped {
            0 => (format!("all {} OK", g.members), false),
            n => (format!("{} OK, {n} stopped", g.placed), n > 0 && g.placed == 0),
        };
    }
    let mut parts = Vec::new();
    if g.on_failed_hardware > 0 {
        parts.push(format!("{} of {} on failed hardware", g.on_failed_hardware, g.members));
    }
    if g.impaired > 0 {
        parts.push(format!("{} impaired", g.impaired));
    }
    if stopped > 0 {
        parts.push(format!("{stopped} stopped"));
    }
    let mut s = parts.join(", ");
    if !g.partitions_affected.is_empty() {
        let list = g.partitions_affected.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        let _ = write!(s, " · partition {list}");
    } else if g.racks_down > 0 {
        let _ = write!(s, " · {} of {} racks down", g.racks_down, g.racks);
    }
    (s, true)
}

/// A plain-words reading of one row, for the teacher to point at.
fn verdict(g: &GroupImpact) -> String {
    let n = hit(g);
    if g.members == 0 {
        "no members".to_string()
    } else if n == 0 {
        "untouched".to_string()
    } else if n >= g.members {
        "the whole group".to_string()
    } else if g.strategy == "partition" && !g.partitions_affected.is_empty() {
        let list = g.partitions_affected.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
        let of = g.partitions.map(|p| format!(" of {p}")).unwrap_or_default();
        format!("only partition {list}{of}")
    } else {
        format!("{n} of {}", g.members)
    }
}

#[component]
pub fn BlastPanel(ui: RackUi) -> impl IntoView {
    let rows = move || {
        let now = ui.impacts.get();
        let before = ui.baseline.with(|b| b.as_ref().map(|b| b.before.clone()));
        let mut names: Vec<String> = now.iter().map(|g| g.name.clone()).collect();
        if let Some(b) = &before {
            for g in b {
                if !names.contains(&g.name) {
                    names.push(g.name.clone());
                }
            }
        }
        names
            .into_iter()
            .map(|name| {
                let after = now.iter().find(|g| g.name == name).cloned();
                let prev = before.as_ref().and_then(|b| b.iter().find(|g| g.name == name).cloned());
                (name, prev, after)
            })
            .collect::<Vec<_>>()
    };
    let change = move || {
        ui.baseline.with(|b| match b {
            Some(b) => format!("Last hardware change: {}", b.change),
            None => "No hardware change yet: fail a rack, a host or an AZ to compare.".to_string(),
        })
    };
    view! {
        <section class="blast" data-testid="blast-radius" aria-label="Blast radius">
            <div class="blast-head">
                <h3>"Blast radius"</h3>
                <span class="blast-change" data-testid="blast-change">{change}</span>
                <button class="linklike" title="Close" on:click=move |_| ui.blast_open.set(false)>"✕"</button>
            </div>
            <table class="blast-table">
                <thead>
                    <tr>
                        <th>"Placement group"</th>
                        <th>"Strategy"</th>
                        <th>"Members"</th>
                        <th>"Before"</th>
                        <th>"After"</th>
                        <th>"In short"</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        let rows = rows();
                        if rows.is_empty() {
                            return view! { <tr><td colspan="6" class="muted">"No placement groups yet (aws ec2 create-placement-group)."</td></tr> }.into_any();
                        }
                        rows.into_iter()
                            .map(|(name, before, after)| {
                                let (b_text, b_bad) = impact_cell(before.as_ref());
                                let (a_text, a_bad) = impact_cell(after.as_ref());
                                let g = after.clone().or(before.clone()).unwrap_or_default();
                                view! {
                                    <tr
                                        data-testid="blast-row"
                                        data-group=name.clone()
                                        data-members=g.members.to_string()
                                        data-hit-before=before.as_ref().map_or(0, hit).to_string()
                                        data-hit-after=after.as_ref().map_or(0, hit).to_string()
                                    >
                                        <td><span class="gtag" data-group=name.clone()>{name.clone()}</span></td>
                                        <td>{if g.strategy.is_empty() { "–".to_string() } else { g.strategy.clone() }}</td>
                                        <td>{g.members}</td>
                                        <td class:bad=b_bad>{b_text}</td>
                                        <td class:bad=a_bad>{a_text}</td>
                                        <td class="verdict">{after.as_ref().map(verdict).unwrap_or_default()}</td>
                                    </tr>
                                }
                            })
                            .collect_view()
                            .into_any()
                    }}
                </tbody>
            </table>
            <p class="hint">
                "On failed hardware: at once. Impaired: the status checks (every minute of the virtual clock) have noticed. Automatic recovery may move members to healthy racks under the group's rules. Before: just before the last hardware change."
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(id: &str, chips: Vec<InstanceChip>, healthy: bool) -> HostView {
        HostView {
            id: id.into(),
            family: "t3".into(),
            capacity_units: 192,
            used_units: chips.len() as u32,
            tenancy: "shared".into(),
            healthy,
            instances: chips,
            ..Default::default()
        }
    }

    #[test]
    fn commands() {
        let r = Target::parse("rack:us-east-1a-r03").unwrap();
        assert_eq!(r.fail_command(Fault::Power).as_deref(), Some("lab fail rack us-east-1a-r03 --power"));
        assert_eq!(r.fail_command(Fault::Network).as_deref(), Some("lab fail rack us-east-1a-r03 --network"));
        assert_eq!(r.fail_command(Fault::Host), None);
        assert_eq!(r.repair_command(), "lab repair rack us-east-1a-r03");
        let h = Target::parse("host:us-east-1a-r03-h2").unwrap();
        assert_eq!(h.fail_command(Fault::Host).as_deref(), Some("lab fail host us-east-1a-r03-h2"));
        assert_eq!(h.fail_command(Fault::Power), None);
        let a = Target::parse("az:us-east-1b").unwrap();
        assert_eq!(a.fail_command(Fault::Network).as_deref(), Some("lab fail az us-east-1b --network"));
        assert_eq!(a.repair_command(), "lab repair az us-east-1b");
        assert_eq!(Target::parse("az:"), None);
        assert_eq!(Target::parse("disk:x"), None);
        assert_eq!(Target::parse("nothing"), None);
        // Odd ids are quoted, never run as shell syntax.
        assert_eq!(Target::Rack("a;b".into()).repair_command(), "lab repair rack 'a;b'");
    }

    #[test]
    fn colours_are_distinct_and_stable() {
        let c = assign_colours(["web", "db", "batch"]);
        let slots: BTreeSet<usize> = c.values().copied().collect();
        assert_eq!(slots.len(), 3);
        assert_eq!(c, assign_colours(["batch", "db", "web"]));
        let many: Vec<String> = (0..20).map(|i| format!("g{i}")).collect();
        let c = assign_colours(many.iter().map(String::as_str));
        assert_eq!(c.len(), 20);
        assert!(c.values().all(|&i| i < PALETTE.len()));
        let first: BTreeSet<usize> = c.iter().take(PALETTE.len()).map(|(_, &i)| i).collect();
        assert_eq!(first.len(), PALETTE.len(), "the first eight get eight colours");
        assert_eq!(css_string("a\"b\\c</style>"), "a\\22 b\\5c c\\3c /style\\3e ");
        assert!(group_css(&assign_colours(["x\"y"])).starts_with("[data-group=\"x\\22 y\"]{--g:#"));
    }

    #[test]
    fn blast_radius_words() {
        let g = |strategy: &str, members, placed, on_failed, impaired, parts: Vec<u32>| GroupImpact {
            name: "g".into(),
            strategy: strategy.into(),
            members,
            placed,
            on_failed_hardware: on_failed,
            impaired,
            racks: 4,
            racks_down: usize::from(on_failed > 0),
            partitions: (strategy == "partition").then_some(3),
            partitions_affected: parts,
            ..Default::default()
        };
        let cluster = g("cluster", 4, 4, 4, 0, vec![]);
        assert_eq!(hit(&cluster), 4);
        assert_eq!(verdict(&cluster), "the whole group");
        assert_eq!(impact_cell(Some(&cluster)), ("4 of 4 on failed hardware · 1 of 4 racks down".to_string(), true));
        let spread = g("spread", 3, 3, 1, 1, vec![]);
        assert_eq!((hit(&spread), verdict(&spread)), (1, "1 of 3".to_string()));
        let part = g("partition", 6, 6, 2, 2, vec![2]);
        assert_eq!(verdict(&part), "only partition 2 of 3");
        assert_eq!(impact_cell(Some(&part)).0, "2 of 6 on failed hardware, 2 impaired · partition 2");
        let ok = g("spread", 3, 3, 0, 0, vec![]);
        assert_eq!((impact_cell(Some(&ok)), verdict(&ok).as_str()), (("all 3 OK".to_string(), false), "untouched"));
        let stopped = g("cluster", 4, 0, 0, 0, vec![]);
        assert_eq!((hit(&stopped), verdict(&stopped).as_str()), (4, "the whole group"));
        assert_eq!(impact_cell(None), ("–".to_string(), false));

        let rack = |id: &str, power_ok: bool| RackView { id: id.into(), family: "t3".into(), power_ok, network_ok: true, hosts: vec![host(&format!("{id}-h1"), vec![], true)] };
        let azs = vec![Arc::new(AzView { name: "us-east-1a".into(), zone_id: "z".into(), racks: vec![rack("us-east-1a-r01", false), rack("us-east-1a-r02", true)] })];
        assert_eq!(failed_hardware(&azs), ["us-east-1a-r01: power down"]);
        let after = vec!["us-east-1a-r01: power down".to_string(), "x: host down".to_string()];
        assert_eq!(describe_change(&failed_hardware(&azs), &after), "failed: x: host down");
        assert_eq!(describe_change(&after, &[]), "repaired: us-east-1a-r01: power down; x: host down");
        let down = vec![Arc::new(AzView { name: "us-east-1b".into(), zone_id: "z".into(), racks: vec![rack("us-east-1b-r01", false)] })];
        assert_eq!(failed_hardware(&down), ["us-east-1b (AZ): power down"]);
    }

    #[test]
    fn path_numbers() {
        let mut d = String::new();
        rect(&mut d, 28.0, 2.5, 5.75, 11.0);
        assert_eq!(d, "M28 2.5h5.8v11h-5.8Z");
        // Host columns fall on whole units: fewer digits to write.
        assert_eq!(host_rect(0.0, 0.0, 1, 4), (INSET + 7.0, INSET, 6.0, RACK_H - 2.0 * INSET));
        let mut d = String::new();
        cmd(&mut d, "m", &[0.0, -0.04, -0.05, -12.34]);
        assert_eq!(d, "m0 0 -0.1 -12.3");
    }

    #[test]
    fn map_draws_every_rack_and_failures() {
        let mut racks = Vec::new();
        for (f, fam) in ["t3", "m5"].iter().enumerate() {
            for k in 0..8 {
                racks.push(RackView {
                    id: format!("az-r{:02}", f * 8 + k + 1),
                    family: fam.to_string(),
                    power_ok: !(f == 1 && k == 2),
                    network_ok: true,
                    hosts: (0..4)
                        .map(|h| HostView {
                            id: format!("az-r{:02}-h{h}", f * 8 + k + 1),
                            capacity_units: 192,
                            neighbour_units: 40,
                            healthy: h != 3,
                            tenancy: if h == 1 { "host".into() } else { "shared".into() },
                            ..Default::default()
                        })
                        .collect(),
                });
            }
        }
        let az = AzView { name: "az".into(), zone_id: "z".into(), racks };
        let (cells, families, cols) = layout(&az);
        assert_eq!((cells.len(), families.len(), cols), (16, 2, 8));
        let p = map_paths(&az, &BTreeMap::new());
        assert_eq!(p.racks.matches('M').count(), 16);
        assert_eq!(p.hosts.matches('M').count(), 64);
        assert_eq!(p.neighbours.matches('M').count(), 64);
        assert_eq!(p.power.matches('M').count(), 1);
        assert_eq!(p.dhost.matches('M').count(), 16);
        assert_eq!(p.host_failed.matches('M').count(), 16);
        let sel = selection_path(&az, &Some(Target::Rack("az-r11".into())));
        assert_eq!(sel.matches('M').count(), 1);
        assert!(selection_path(&az, &Some(Target::Az("other".into()))).is_empty());
    }
}
