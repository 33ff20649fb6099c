//! "Dedicated Hosts": the account's hosts over the datacenter cell (a tab beside IAM and
//! Parameter Store, see iam.rs). Per host: what it is configured for, a capacity bar (its
//! instances and what is left, by size), what a licence counted per socket, core or VM would
//! count, and an hourly cost comparison drawn with plotters on a `<canvas>`: the host
//! On-Demand, the same instances as ordinary On-Demand instances, a full host's worth of them,
//! and the effective price under 1-year and 3-year Host Reservations.
//!
//! Everything shown comes from `engine::view::dedicated_hosts`; buttons type the commands they
//! stand for through `AppState::run_command`. Prices are the engine's approximate list prices.

use engine::view::{DedicatedHostView, HostInstanceView};
use leptos::prelude::*;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;

use crate::chart::INK;
use crate::state::AppState;

/// The command behind "Allocate a host" (an m5 host that mixes sizes and takes untargeted
/// launches).
pub const ALLOCATE: &str = "aws ec2 allocate-hosts --instance-family m5 --availability-zone us-east-1a --quantity 1 --auto-placement on";

pub fn release_command(id: &str) -> String {
    format!("aws ec2 release-hosts --host-ids {id}")
}

pub fn describe_command(id: &str) -> String {
    format!("aws ec2 describe-hosts --host-ids {id}")
}

/// What a bar of the cost chart stands for (its colour).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CostKind {
    Host,
    Instances,
    Reserved,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CostBar {
    pub label: String,
    /// Dollars per hour.
    pub dollars: f64,
    pub kind: CostKind,
}

/// The bars of the cost comparison for one host, top to bottom.
pub fn cost_bars(h: &DedicatedHostView) -> Vec<CostBar> {
    let c = &h.cost;
    let mut out = vec![
        CostBar { label: "Host On-Demand".into(), dollars: c.host_on_demand, kind: CostKind::Host },
        CostBar { label: format!("Its {} instance(s) On-Demand", h.licence.vms), dollars: c.instances_on_demand, kind: CostKind::Instances },
        CostBar { label: "Full host of instances".into(), dollars: c.full_host_on_demand, kind: CostKind::Instances },
    ];
    for r in &c.reservations {
        let short = match r.payment.as_str() {
            "No Upfront" => "No",
            "Partial Upfront" => "Partial",
            _ => "All",
        };
        out.push(CostBar { label: format!("{}-yr {short} Upfront", r.years), dollars: r.effective_hourly, kind: CostKind::Reserved });
    }
    out
}

/// One piece of the capacity bar: an instance (or the free rest) and its share of the host.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub label: String,
    pub title: String,
    /// Percent of the host's width.
    pub percent: f64,
    pub free: bool,
}

/// The capacity bar: one segment per instance on the host, then the free part.
pub fn segments(h: &DedicatedHostView) -> Vec<Segment> {
    let cap = h.capacity_units.max(1) as f64;
    let mut out: Vec<Segment> = h
        .instances
        .iter()
        .map(|i: &HostInstanceView| Segment {
            label: i.instance_type.clone(),
            title: format!("{} · {} · {} vCPUs on {} core(s) · {}", i.label, i.instance_type, i.vcpus, i.cores, i.state),
            percent: 100.0 * i.units as f64 / cap,
            free: false,
        })
        .collect();
    let free = h.capacity_units.saturating_sub(h.used_units);
    if free > 0 {
        out.push(Segment { label: "free".into(), title: format!("{} of {} cores free", free / 4, h.cores), percent: 100.0 * free as f64 / cap, free: true });
    }
    out
}

fn dollars(x: f64) -> String {
    format!("${x:.3}/h")
}

/// One sentence comparing the options for a host (the chart's text alternative).
pub fn cost_summary(h: &DedicatedHostView) -> String {
    let c = &h.cost;
    let best = c.reservations.iter().map(|r| r.effective_hourly).fold(f64::INFINITY, f64::min);
    let mut s = format!(
        "{}: the host costs {} On-Demand; its {} running instance(s) would cost {} as ordinary On-Demand instances, a full host of them {}",
        h.id,
        dollars(c.host_on_demand),
        h.licence.vms,
        dollars(c.instances_on_demand),
        dollars(c.full_host_on_demand)
    );
    if best.is_finite() {
        s.push_str(&format!("; a 3-year All Upfront reservation brings the host to {}", dollars(best)));
    }
    if let Some((id, r)) = &c.covered_by {
        s.push_str(&format!(" (covered by {id}: {}-year {}, {})", r.years, r.payment, dollars(r.effective_hourly)));
    }
    s.push('.');
    s
}

const HOST: RGBColor = RGBColor(0x09, 0x72, 0xd3);
const INSTANCES: RGBColor = RGBColor(0xe0, 0x7b, 0x00);
const RESERVED: RGBColor = RGBColor(0x1d, 0x81, 0x02);
const WIDTH: u32 = 420;
const ROW: u32 = 20;

fn canvas_height(n: usize) -> u32 {
    ROW * n.max(1) as u32 + 40
}

fn colour(k: CostKind) -> RGBColor {
    match k {
        CostKind::Host => HOST,
        CostKind::Instances => INSTANCES,
        CostKind::Reserved => RESERVED,
    }
}

/// Draw the cost bars on `canvas`; errors leave it as it is.
fn draw(canvas: web_sys::HtmlCanvasElement, bars: &[CostBar]) -> Result<(), String> {
    if bars.is_empty() {
        return Ok(());
    }
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let n = bars.len();
    let top = bars.iter().map(|b| b.dollars).fold(0.0, f64::max);
    let max = (top * 1.15).max(0.5);
    let row_y = |k: usize| (n - 1 - k) as f64;
    let mut chart = crate::chart::bar_axes(&root, max, n, 150, "dollars per hour (approximate list prices)", 1)?;
    chart
        .draw_series(bars.iter().enumerate().map(|(k, b)| Rectangle::new([(0.0, row_y(k) + 0.18), (b.dollars, row_y(k) + 0.82)], colour(b.kind).filled())))
        .map_err(|e| e.to_string())?;
    let label_font = ("sans-serif", 11).into_font().color(&INK).pos(Pos::new(HPos::Right, VPos::Center));
    let value_font = ("sans-serif", 10).into_font().color(&INK).pos(Pos::new(HPos::Left, VPos::Center));
    for (k, b) in bars.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(0.0, row_y(k) + 0.5));
        root.draw(&Text::new(b.label.clone(), (x - 6, y), label_font.clone())).map_err(|e| e.to_string())?;
        let (xe, _) = chart.backend_coord(&(b.dollars, row_y(k) + 0.5));
        root.draw(&Text::new(format!("{:.3}", b.dollars), (xe + 3, y), value_font.clone())).map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}

/// The cost chart for the chosen host.
#[component]
fn CostChart(host: Memo<Option<DedicatedHostView>>) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let bars = Memo::new(move |_| host.with(|h| h.as_ref().map(cost_bars).unwrap_or_default()));
    Effect::new(move |_| {
        let bars = bars.get();
        if let Some(el) = canvas.get() {
            let shown = el.client_width();
            el.set_width(if shown >= 240 { shown as u32 } else { WIDTH });
            el.set_height(canvas_height(bars.len()));
            if let Err(e) = draw(el, &bars) {
                leptos::logging::warn!("host cost chart not drawn: {e}");
            }
        }
    });
    let summary = move || host.with(|h| h.as_ref().map(cost_summary).unwrap_or_default());
    view! {
        <section class="host-cost" data-testid="hosts-cost">
            <h3>"What it costs per hour " <span class="count">{move || host.with(|h| h.as_ref().map(|h| format!("({})", h.id)).unwrap_or_default())}</span></h3>
            <canvas node_ref=canvas data-testid="hosts-cost-chart" width=WIDTH height=canvas_height(9) role="img" aria-label=summary
                style="display: block; width: 100%; border: 1px solid var(--border); border-radius: 0.25rem;"></canvas>
            <p class="hint" data-testid="hosts-cost-summary">{summary}</p>
        </section>
    }
}

fn host_card(state: AppState, h: DedicatedHostView, chosen: RwSignal<Option<String>>) -> impl IntoView {
    let id = h.id.clone();
    let allocated = h.state == "available" || h.state == "under-assessment";
    let segs = segments(&h);
    let used_cores = h.used_units.div_ceil(4);
    let pick = id.clone();
    let is_chosen = id.clone();
    let release_id = id.clone();
    let describe_id = id.clone();
    let shared = if h.shared_with.is_empty() { String::new() } else { format!("shared with {}", h.shared_with.join(", ")) };
    let title = match &h.name {
        Some(n) => format!("{n} ({})", h.id),
        None => h.id.clone(),
    };
    view! {
        <article class="host-card" data-testid="dh-card" data-host=id.clone() data-state=h.state.clone()
            class:chosen=move || chosen.get().as_deref() == Some(is_chosen.as_str())>
            <header class="host-head">
                <h4>{title}</h4>
                <span class=format!("badge host-state st-{}", h.state) data-testid="dh-state">{h.state.clone()}</span>
                <span class="badge" title="AllowsMultipleInstanceTypes">{h.configured_for.clone()}</span>
                <span class="badge" title="Untargeted Tenancy=host launches land here only with auto-placement on">
                    {if h.auto_placement { "auto-placement on" } else { "auto-placement off" }}
                </span>
                {h.host_recovery.then(|| view! { <span class="badge ok">"host recovery"</span> })}
                {(!shared.is_empty()).then(|| view! { <span class="badge" data-testid="dh-shared">{shared.clone()}</span> })}
            </header>
            <p class="muted">
                {format!("{} · hardware {} · {} sockets, {} cores, {} vCPUs", h.az, h.hardware, h.sockets, h.cores, h.total_vcpus)}
                {h.replaced_by.clone().map(|r| format!(" · replaced by {r} (host recovery)"))}
                {h.replaces.clone().map(|r| format!(" · replaces {r} (host recovery)"))}
            </p>
            {allocated.then(|| view! {
                <div class="host-bar" data-testid="dh-capacity" data-used-units=h.used_units.to_string() data-capacity-units=h.capacity_units.to_string()
                    role="img" aria-label=format!("{used_cores} of {} cores in use", h.cores)>
                    {segs.into_iter().map(|s| view! {
                        <span class="host-seg" class:free=s.free title=s.title.clone() style=format!("width: {:.3}%", s.percent)>
                            {(s.percent >= 8.0).then(|| s.label.clone())}
                        </span>
                    }).collect_view()}
                </div>
                <p data-testid="dh-cores">{format!("{used_cores} of {} cores in use · {} of {} vCPUs available", h.cores, h.available_vcpus, h.total_vcpus)}</p>
            })}
            {(!h.sizes.is_empty()).then(|| view! {
                <details class="host-sizes">
                    <summary>"Room by size"</summary>
                    <table data-testid="dh-sizes">
                        <thead><tr><th>"size"</th><th>"running"</th><th>"room left"</th><th>"on an empty host"</th></tr></thead>
                        <tbody>
                            {h.sizes.iter().map(|s| view! {
                                <tr data-testid="dh-size" data-type=s.instance_type.clone()>
                                    <td>{s.instance_type.clone()}</td><td>{s.running}</td><td>{s.available}</td><td>{s.total}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </details>
            })}
            <p data-testid="dh-licence" title="What a licence counted per socket, per physical core or per VM would count on this host">
                <span class="muted">"Licences count: "</span>
                {format!("{} sockets · {} physical cores · {} VMs ({} vCPUs)", h.licence.sockets, h.licence.cores, h.licence.vms, h.licence.vcpus)}
            </p>
            <div class="host-actions">
                <button class="small" data-testid="dh-compare" on:click=move |_| chosen.set(Some(pick.clone()))>"Compare costs"</button>
                <button class="small" data-testid="dh-describe" title=describe_command(&describe_id) on:click=move |_| { state.run_command(&describe_command(&describe_id)); }>
                    "describe-hosts"
                </button>
                {allocated.then(|| view! {
                    <button class="small" data-testid="dh-release" title=release_command(&release_id) on:click=move |_| { state.run_command(&release_command(&release_id)); }>
                        "Release"
                    </button>
                })}
            </div>
        </article>
    }
}

/// The Dedicated Hosts view.
#[component]
pub fn HostsPanel(state: AppState) -> impl IntoView {
    let hosts = Memo::new(move |_| {
        state.tick.track();
        state.with_lab(|lab| engine::view::dedicated_hosts(lab.world())).unwrap_or_default()
    });
    let chosen: RwSignal<Option<String>> = RwSignal::new(None);
    // The host whose costs are drawn: the chosen one, else the first allocated one.
    let costed = Memo::new(move |_| {
        let pick = chosen.get();
        hosts.with(|hs| {
            pick.and_then(|id| hs.iter().find(|h| h.id == id).cloned())
                .or_else(|| hs.iter().find(|h| h.state == "available" || h.state == "under-assessment").cloned())
        })
    });
    view! {
        <div class="identity-body hosts-view" data-testid="hosts-view">
            <p class="hint">
                "A Dedicated Host is a whole physical server for your account: you pay for the host, not its instances, "
                "and you see its sockets and cores (what per-socket or per-core licences count). Nitro families mix sizes on one host; "
                "older families run one size per host. Dedicated Instances (Tenancy=dedicated) also get hardware of their own, billed per instance, without any view of the host."
            </p>
            <h3>"Hosts " <span class="count">{move || format!("({})", hosts.with(|h| h.len()))}</span></h3>
            <Show when=move || hosts.with(|h| h.is_empty())>
                <p class="empty" data-testid="hosts-empty">"No Dedicated Hosts. Try "<code>{ALLOCATE}</code>" "
                    <button class="small" data-testid="hosts-allocate" title=ALLOCATE on:click=move |_| { state.run_command(ALLOCATE); }>"Allocate one"</button>
                </p>
            </Show>
            <div class="host-cards">
                <For each=move || hosts.get() key=|h| format!("{h:?}") children=move |h| host_card(state, h, chosen) />
            </div>
            <Show when=move || costed.with(|c| c.is_some())>
                <CostChart host=costed />
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::view::{HostCost, LicenceCounts, ReservationPrice};

    fn host() -> DedicatedHostView {
        DedicatedHostView {
            id: "h-0123456789abcdef0".into(),
            cores: 48,
            capacity_units: 192,
            used_units: 36,
            instances: vec![
                HostInstanceView { id: "i-1".into(), label: "db".into(), instance_type: "m5.4xlarge".into(), state: "running".into(), vcpus: 16, cores: 8, units: 32 },
                HostInstanceView { id: "i-2".into(), label: "i-2".into(), instance_type: "m5.large".into(), state: "running".into(), vcpus: 2, cores: 1, units: 4 },
            ],
            licence: LicenceCounts { sockets: 2, cores: 48, vms: 2, vcpus: 18 },
            cost: HostCost {
                host_on_demand: 5.069,
                instances_on_demand: 0.864,
                full_host_on_demand: 4.608,
                reservations: vec![
                    ReservationPrice { years: 1, payment: "No Upfront".into(), upfront: 0.0, hourly: 3.548, effective_hourly: 3.548 },
                    ReservationPrice { years: 3, payment: "All Upfront".into(), upfront: 57282.0, hourly: 0.0, effective_hourly: 2.18 },
                ],
                covered_by: None,
            },
            ..Default::default()
        }
    }

    #[test]
    fn bars_and_segments() {
        let h = host();
        let b = cost_bars(&h);
        assert_eq!(b.len(), 5);
        assert_eq!((b[0].kind, b[0].dollars), (CostKind::Host, 5.069));
        assert_eq!(b[1].label, "Its 2 instance(s) On-Demand");
        assert_eq!(b[3].label, "1-yr No Upfront");
        assert_eq!(b[4].label, "3-yr All Upfront");
        let s = segments(&h);
        assert_eq!(s.len(), 3);
        assert!((s.iter().map(|x| x.percent).sum::<f64>() - 100.0).abs() < 1e-9);
        assert!(s[2].free && s[2].title.starts_with("39 of 48 cores free"));
        let text = cost_summary(&h);
        assert!(text.contains("$5.069/h On-Demand") && text.contains("$0.864/h") && text.contains("$2.180/h"), "{text}");
        assert_eq!(release_command("h-1"), "aws ec2 release-hosts --host-ids h-1");
    }
}
