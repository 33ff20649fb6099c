//! "Bake or bootstrap?": a bar chart of launch-to-service times in the current lab, one bar per
//! instance that has reached service, coloured by how it got its software: installed at boot by
//! user data (bootstrapped) or launched from one of the account's own images (baked).
//! Drawn with plotters on a `<canvas>` (plotters-canvas); redrawn when the data changes.

use engine::view::BootTimeline;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;

use crate::state::AppState;

/// Bar colours: bootstrapped (orange) and baked (blue), readable on the chart's white card.
const BOOTSTRAPPED: RGBColor = RGBColor(0xe0, 0x7b, 0x00);
const BAKED: RGBColor = RGBColor(0x09, 0x72, 0xd3);
pub(crate) const INK: RGBColor = RGBColor(0x16, 0x19, 0x1f);
pub(crate) const GRID: RGBColor = RGBColor(0xdd, 0xe1, 0xe6);

/// The axes of a horizontal bar chart, shared by this chart and the Dedicated Hosts cost chart:
/// x from 0 to `max` (labelled with `decimals` decimals and described by `x_desc`), one unit of y
/// per row, no y labels (callers write their own row labels in the `label_width` margin).
pub(crate) fn bar_axes<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, plotters::coord::Shift>,
    max: f64,
    rows: usize,
    label_width: u32,
    x_desc: &str,
    decimals: usize,
) -> Result<ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>, String> {
    let mut chart = ChartBuilder::on(area)
        .margin_top(6)
        .margin_left(4)
        .margin_right(14)
        .x_label_area_size(34)
        .y_label_area_size(label_width)
        .build_cartesian_2d(0f64..max, 0f64..rows as f64)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .light_line_style(GRID)
        .bold_line_style(GRID)
        .axis_style(INK)
        .label_style(("sans-serif", 11).into_font().color(&INK))
        .axis_desc_style(("sans-serif", 11).into_font().color(&INK))
        .x_desc(x_desc)
        .x_labels(6)
        .x_label_formatter(&|x| format!("{x:.decimals$}"))
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(chart)
}

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

/// Canvas height for `n` bars: the rows, the x axis and the legend strip.
fn canvas_height(n: usize) -> u32 {
    ROW * n.max(1) as u32 + 44 + LEGEND
}

/// Height of the legend strip under the chart.
const LEGEND: u32 = 24;

/// The two kinds of launch, with their colour and legend text.
const KINDS: [(bool, RGBColor, &str); 2] = [(false, BOOTSTRAPPED, "bootstrapped (user data)"), (true, BAKED, "baked (own AMI)")];

/// Draw `bars` on `canvas` (whose `width`/`height` attributes are already set). Errors (no 2D
/// context, a drawing failure) are returned and leave the canvas as it is.
fn draw(canvas: web_sys::HtmlCanvasElement, bars: &[Bar]) -> Result<(), String> {
    if bars.is_empty() {
        return Ok(());
    }
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (_, height) = root.dim_in_pixel();
    let (plot, legend) = root.split_vertically(height.saturating_sub(LEGEND));
    let n = bars.len();
    let longest = bars.iter().map(|b| b.secs).fold(0.0, f64::max);
    let max = (longest * 1.1).max(10.0);
    // Row k (from the top) spans y in [n-1-k, n-k]; the first launch is drawn at the top.
    let row_y = |k: usize| (n - 1 - k) as f64;
    let mut chart = bar_axes(&plot, max, n, 104, "seconds from launch to service", 0)?;
    for (baked, colour, _) in KINDS {
        let rects = bars
            .iter()
            .enumerate()
            .filter(|(_, b)| b.baked == baked)
            .map(move |(k, b)| Rectangle::new([(0.0, row_y(k) + 0.18), (b.secs, row_y(k) + 0.82)], colour.filled()));
        chart.draw_series(rects).map_err(|e| e.to_string())?;
    }
    // Instance labels left of the axis, centred on their bars.
    let label_font = ("sans-serif", 11).into_font().color(&INK).pos(Pos::new(HPos::Right, VPos::Center));
    for (k, b) in bars.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(0.0, row_y(k) + 0.5));
        plot.draw(&Text::new(b.label.clone(), (x - 6, y), label_font.clone())).map_err(|e| e.to_string())?;
    }
    // The legend, in its own strip so it never covers a bar.
    let font = ("sans-serif", 11).into_font().color(&INK);
    let mut x = 8;
    for (_, colour, name) in KINDS {
        legend.draw(&Rectangle::new([(x, 7), (x + 12, 17)], colour.filled())).map_err(|e| e.to_string())?;
        legend.draw(&Text::new(name, (x + 17, 6), font.clone())).map_err(|e| e.to_string())?;
        let (w, _) = legend.estimate_text_size(name, &font).unwrap_or((7 * name.len() as u32, 11));
        x += 30 + w as i32;
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}

fn secs_text(s: f64) -> String {
    format!("{s:.0} s")
}

/// The chart section: a canvas when at least one instance has reached service, a sentence
/// otherwise. Reads `engine::view::served_timelines` whenever the views were refreshed.
#[component]
pub fn BakeChart(state: AppState) -> impl IntoView {
    let data = Memo::new(move |_| {
        state.tick.track();
        state.with_lab(|lab| bars(&engine::view::served_timelines(lab.world()))).unwrap_or_default()
    });
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let bars = data.get();
        if let Some(el) = canvas.get() {
            // Draw at the size the page shows it (CSS width 100%), so text stays crisp.
            let shown = el.client_width();
            el.set_width(if shown >= 200 { shown as u32 } else { WIDTH });
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
                    style="display: block; width: 100%; border: 1px solid var(--border); border-radius: 0.25rem;"></canvas>
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
