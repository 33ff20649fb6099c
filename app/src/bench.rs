//! Hooks on `window` for the benchmark and end-to-end scripts.
//!
//! * `ec2labBench(n)` → `Promise<number>`: types
//!   `aws ec2 run-instances … --instance-type t3.micro --count n` through the console path (so it
//!   shows in the history), then waits for the reactive DOM updates to flush (a `setTimeout(0)`
//!   macrotask runs after leptos' microtask-scheduled effects), forces style + layout by reading
//!   `document.body.offsetHeight`, and resolves with the elapsed milliseconds (command + view
//!   computation + DOM update + layout). Painting is not included. The breakdown is left in
//!   `window.ec2labLastBench = {runMs, viewsMs, syncMs, totalMs}`: `Lab::run`, view computation
//!   and signal updates (`viewsMs`, includes the refresh after the command), both before the DOM
//!   is touched (`syncMs`), and the whole thing (`totalMs`).
//! * `ec2labRun(cmd)` → `{stdout, stderr, exit}`: runs one command line through the console path.

use js_sys::{Object, Promise, Reflect};
use leptos::prelude::GetValue;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::Closure;

use crate::instance::run_instances_command;
use crate::prefs::now_ms;
use crate::state::AppState;

fn set(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

pub fn install(state: AppState) {
    let Some(window) = web_sys::window() else { return };

    let bench = Closure::<dyn Fn(JsValue) -> Promise>::new(move |n: JsValue| {
        let n = n.as_f64().filter(|n| n.is_finite()).map(|n| n.clamp(1.0, 500.0) as u32).unwrap_or(1);
        let t0 = now_ms();
        state.run_command(&run_instances_command("t3.micro", n, ""));
        let sync_ms = now_ms() - t0;
        wasm_bindgen_futures::future_to_promise(async move {
            gloo_timers::future::TimeoutFuture::new(0).await;
            if let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
                let _ = body.offset_height();
            }
            let total = now_ms() - t0;
            // Breakdown for the curious: window.ec2labLastBench = {syncMs, totalMs}.
            if let Some(w) = web_sys::window() {
                let obj: JsValue = Object::new().into();
                set(&obj, "syncMs", &JsValue::from_f64(sync_ms));
                let (run_ms, views_ms) = state.last_timing.get_value();
                set(&obj, "runMs", &JsValue::from_f64(run_ms));
                set(&obj, "viewsMs", &JsValue::from_f64(views_ms));
                set(&obj, "totalMs", &JsValue::from_f64(total));
                set(&w, "ec2labLastBench", &obj);
            }
            Ok(JsValue::from_f64(total))
        })
    });
    set(&window, "ec2labBench", bench.as_ref());
    bench.forget();

    let run = Closure::<dyn Fn(JsValue) -> JsValue>::new(move |cmd: JsValue| {
        let cmd = cmd.as_string().unwrap_or_default();
        let out = state.run_command(&cmd).unwrap_or_default();
        let obj: JsValue = Object::new().into();
        set(&obj, "stdout", &JsValue::from_str(&out.stdout));
        set(&obj, "stderr", &JsValue::from_str(&out.stderr));
        set(&obj, "exit", &JsValue::from_f64(f64::from(out.exit)));
        obj
    });
    set(&window, "ec2labRun", run.as_ref());
    run.forget();
}
