//! "Bake or bootstrap?": a bar chart of launch-to-service times in the current lab, one bar per
//! instance that has reached service, coloured by how it got its software: installed at boot by
//! user data (bootstrapped) or launched from one of the account's own images (baked).
//! Drawn with plotters on a `<canvas>` (plotters-canvas); redrawn when the data changes.

use engine::view::BootTimeline;
use leptos::prelude::*;
use plotters::coord::ranged1d::{IntoSegmentedCoord, SegmentValue};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use crate::state::AppState;

/// Bar colours: bootstrapped (orange) and baked (blue), readable on the chart's white card.
const BOOTSTRAPPED: RGBColor = RGBColor(0xe0, 0x7b, 0x00);
const BAKED: RGBColor = RGBColor(0x09, 0x72, 0xd3);
const INK: RGBColor = RGBColor(0x16, 0x19, 0x1f);
const GRID: RGBColor = RGBColor(0xdd, 0xe1, 0xe6);

const WIDTH: u32 = 360;
const ROW: u32 = 22;
/// Beyond this many bars only the most recent launches are drawn (the canvas stays readable).
pub const MAX_BARS: usize = 16;

/// One bar: an instance that reached service.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub label: String,
    pub secs: f64,
    pub baked: bool,
}

/// The bars for the chart: instances that have reached service, in launch order (the most
/// recent [`MAX_BARS`]), labelled with their Name tag or id.
pub fn bars(timelines: &[BootTimeline]) -> Vec<Bar> {
    let reached: Vec<Bar> = timelines
        .iter()
        .filter_map(|t| Some(Bar { label: short(&t.label), secs: t.service_secs()?, baked: t.baked }))
        .collect();
    let skip = reached.len().saturating_sub(MAX_BARS);
    reached.into_iter().skip(skip).collect()
}

/// Labels longer than 16 characters keep their end (instance ids differ at the end).
fn short(label: &str) -> String {
    let n = label.chars().count();
    if n <= 16 { label.to_string() } else { format!("…{}", label.chars().skip(n - 15).collect::<String>()) }
}

/// Average launch-to-service seconds of each kind: (bootstrapped, baked).
pub fn averages(bars: &[Bar]) -> (Option<f64>, Option<f64>) {
    let avg = |baked: bool| {
        let v: Vec<f64> = bars.iter().filter(|b| b.baked == baked).map(|b| b.secs).collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    (avg(false), avg(true))
}

fn canvas_height(n: usize) -> u32 {
    60 + ROW * n.max(1) as u32
}

/// Draw `bars` on `canvas`. Errors (no 2D context, a drawing failure) leave the canvas as it is.
fn draw(canvas: web_sys::HtmlCanvasElement, bars: &[Bar]) -> Result<(), String> {
    if bars.is_empty() {
        return Ok(());
    }
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let n = bars.len() as u32;
    let longest = bars.iter().map(|b| b.secs).fold(0.0, f64::max);
    let max = (longest * 1.15).max(10.0);
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    // Segment i from the bottom holds bar n-1-i, so the first launch is drawn at the top.
    let label_of = move |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
            labels.get((n - 1).saturating_sub(*i) as usize).cloned().unwrap_or_default()
        }
        SegmentValue::Last => String::new(),
    };
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(112)
        .build_cartesian_2d(0f64..max, (0u32..n).into_segmented())
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(GRID)
        .bold_line_style(GRID)
        .axis_style(INK)
        .label_style(("sans-serif", 11).into_font().color(&INK))
        .axis_desc_style(("sans-serif", 11).into_font().color(&INK))
        .x_desc("seconds from launch to service")
        .x_labels(6)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_labels(n as usize)
        .y_label_formatter(&label_of)
        .draw()
        .map_err(|e| e.to_string())?;
    for (baked, colour, name) in [(false, BOOTSTRAPPED, "bootstrapped (user data)"), (true, BAKED, "baked (own AMI)")] {
        let rects = bars.iter().enumerate().filter(|(_, b)| b.baked == baked).map(move |(i, b)| {
            let row = n - 1 - i as u32;
            let mut r = Rectangle::new([(0.0, SegmentValue::Exact(row)), (b.secs, SegmentValue::Exact(row + 1))], colour.filled());
            r.set_margin(3, 3, 0, 0);
            r
        });
        chart
            .draw_series(rects)
            .map_err(|e| e.to_string())?
            .label(name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font(("sans-serif", 11).into_font().color(&INK))
        .background_style(WHITE.mix(0.9))
        .border_style(GRID)
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}

fn secs_text(s: f64) -> String {
    format!("{s:.0} s")
}

/// The chart section: a canvas when at least one instance has reached service, a sentence
/// otherwise. Reads `engine::view::boot_timelines` whenever the views were refreshed.
#[component]
pub fn BakeChart(state: AppState) -> impl IntoView {
    let data = Memo::new(move |_| {
        state.tick.track();
        state.with_lab(|lab| bars(&engine::view::boot_timelines(lab.world()))).unwrap_or_default()
    });
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let bars = data.get();
        if let Some(el) = canvas.get() {
            el.set_height(canvas_height(bars.len()));
            if let Err(e) = draw(el, &bars) {
                leptos::logging::warn!("bake chart not drawn: {e}");
            }
        }
    });
    let summary = move || {
        let (boot, baked) = data.with(|b| averages(b));
        let part = |what: &str, v: Option<f64>| match v {
            Some(s) => format!("{what}: {} on average", secs_text(s)),
            None => format!("{what}: none yet"),
        };
        format!("{}; {}.", part("Bootstrapped", boot), part("baked", baked))
    };
    view! {
        <section class="bake-chart" data-testid="bake-chart" aria-label="Bake or bootstrap"
            style="border-top: 1px solid var(--border); padding: 0.5rem 0.6rem; font-size: 0.85rem;">
            <h3 style="margin: 0 0 0.3rem; font-size: 0.95rem;">"Bake or bootstrap? Launch to service"</h3>
            <Show
                when=move || data.with(|b| !b.is_empty())
                fallback=|| view! {
                    <p class="empty" data-testid="bake-chart-empty">"No instances have reached service yet: the chart shows each instance once something answers on its port 80."</p>
                }
            >
                <canvas node_ref=canvas data-testid="bake-chart-canvas" width=WIDTH height=canvas_height(1)
                    role="img" aria-label=summary
                    style="display: block; max-width: 100%; border: 1px solid var(--border); border-radius: 0.25rem;"></canvas>
                <p class="hint" data-testid="bake-chart-summary" style="margin: 0.3rem 0 0;">{summary}</p>
            </Show>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(label: &str, service_ms: Option<u64>, baked: bool) -> BootTimeline {
        BootTimeline { label: label.into(), to_service: service_ms, baked, ..Default::default() }
    }

    #[test]
    fn bars_only_for_instances_in_service() {
        let b = bars(&[t("web-1", Some(95_000), false), t("web-2", None, false), t("baked-1", Some(41_500), true)]);
        assert_eq!(b, vec![
            Bar { label: "web-1".into(), secs: 95.0, baked: false },
            Bar { label: "baked-1".into(), secs: 41.5, baked: true },
        ]);
        assert_eq!(averages(&b), (Some(95.0), Some(41.5)));
        assert!(bars(&[t("x", None, true)]).is_empty());
        assert_eq!(averages(&[]), (None, None));
    }

    #[test]
    fn many_bars_keep_the_latest_and_labels_stay_short() {
        let many: Vec<BootTimeline> = (0..40).map(|i| t(&format!("i-0{i:016x}"), Some(1000 * i), i % 2 == 0)).collect();
        let b = bars(&many);
        assert_eq!(b.len(), MAX_BARS);
        assert_eq!(b.last().map(|x| x.secs), Some(39.0));
        assert!(b.iter().all(|x| x.label.chars().count() <= 16));
        assert_eq!(short("web"), "web");
        assert_eq!(canvas_height(0), canvas_height(1));
    }
}
