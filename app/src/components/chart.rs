//! `<Chart>`: an ECharts chart drawn in the browser, with the same numbers as an accessible table.
//!
//! The server builds each chart (a charming `Chart`, from `crate::charts`) and sends it as a
//! [`ChartView`]: the ECharts option as JSON text and the table read out of it. The browser build
//! holds no chart code of its own: it parses the option and hands it to ECharts.
//!
//! The server renders a `<figure>` holding an empty canvas box and the data table. Once hydrated,
//! the browser loads the charts bundle (ECharts' parts Soco draws, built by `cargo xtask site`;
//! once per page, only where a chart is shown, from the URL in the page's
//! `<meta name="soco-charts">`), draws into the box,
//! keeps the drawing sized to its container and moves the table off screen, where screen readers
//! still find it. Without JavaScript the table is what people see.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::components::chart_table::ChartTable;
use crate::i18n::use_messages;

/// A chart ready to show: what ECharts draws and what the table says.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChartView {
    /// The ECharts option, as JSON text.
    pub option: String,
    /// The same numbers as rows and columns of display text.
    pub table: ChartTable,
}

#[cfg(feature = "ssr")]
impl ChartView {
    /// The option and table of `chart`, with numbers formatted for `locale`.
    pub fn new(chart: &charming::Chart, locale: crate::i18n::Language) -> Self {
        Self {
            option: serde_json::to_string(chart).unwrap_or_else(|_| "{}".to_owned()),
            table: ChartTable::from_chart(chart, locale),
        }
    }
}

/// Draws `chart` in the browser and shows its data as a table everywhere.
#[component]
pub fn Chart(
    /// A page-unique id for the drawing's container.
    #[prop(into)]
    id: String,
    /// The accessible name of the chart and the caption of its table.
    #[prop(into)]
    label: String,
    /// What to draw.
    chart: ChartView,
) -> impl IntoView {
    let t = use_messages();
    let ChartView { option, table } = chart;
    let figure = NodeRef::<leptos::html::Figure>::new();

    #[cfg(feature = "hydrate")]
    draw_when_mounted(figure, id.clone(), option);
    #[cfg(not(feature = "hydrate"))]
    let _ = option;

    let table_caption = format!("{label} ({})", t.shell.chart_data_table);
    view! {
        <figure class="chart" node_ref=figure>
            <figcaption class="chart-title">{label}</figcaption>
            <div class="chart-canvas" id=id aria-hidden="true"></div>
            <div class="chart-table">
                <table>
                    <caption>{table_caption}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{table.row_header.clone()}</th>
                            {table.columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {table
                            .rows
                            .into_iter()
                            .map(|row| {
                                view! {
                                    <tr>
                                        <th scope="row">{row.label}</th>
                                        {row.cells.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </figure>
    }
}

#[cfg(feature = "hydrate")]
fn draw_when_mounted(figure: NodeRef<leptos::html::Figure>, id: String, option: String) {
    let drawn = StoredValue::new_local(None::<browser::Drawing>);
    let waiting = StoredValue::new_local(None::<browser::Waiting>);
    Effect::new(move |_| {
        let Some(figure) = figure.get() else { return };
        let id = id.clone();
        let option = option.clone();
        let Ok((wait, near)) = browser::near_viewport(&figure) else {
            leptos::logging::error!("chart {id} could not watch the viewport");
            return;
        };
        waiting.set_value(Some(wait));
        leptos::task::spawn_local(async move {
            // Drawn only when it is about to be seen, each chart in its own task: a page of
            // charts neither draws what nobody scrolls to nor blocks the main thread at once.
            let Ok(true) = near.await else { return };
            waiting.try_update_value(Option::take);
            match browser::draw(&figure, &id, &option).await {
                Ok(drawing) => {
                    // Unmounted meanwhile: nothing keeps the drawing.
                    if let Some(Some(drawing)) = drawn.try_set_value(Some(drawing)) {
                        drawing.dispose();
                    }
                }
                Err(err) => leptos::logging::error!("chart {id} could not be drawn: {err:?}"),
            }
        });
    });
    on_cleanup(move || {
        // Dropped: the observer stops and the waiting task ends.
        waiting.try_update_value(Option::take);
        if let Some(Some(drawing)) = drawn.try_update_value(Option::take) {
            drawing.dispose();
        }
    });
}

/// The browser half: ECharts loading, drawing, resizing and disposal.
#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;

    #[wasm_bindgen]
    extern "C" {
        /// An ECharts chart instance.
        #[derive(Clone)]
        type Instance;

        /// `echarts.init(element, theme)`: a chart drawing into `element`.
        #[wasm_bindgen(js_namespace = echarts, js_name = init, catch)]
        fn init(element: &web_sys::Element, theme: &JsValue) -> Result<Instance, JsValue>;

        /// `instance.setOption(option)`: what to draw.
        #[wasm_bindgen(method, js_name = setOption, catch)]
        fn set_option(this: &Instance, option: &JsValue) -> Result<(), JsValue>;

        /// `instance.resize()`: fit the drawing to its container again.
        #[wasm_bindgen(method)]
        fn resize(this: &Instance);

        /// `echarts.dispose(instance)`: frees a chart's canvas, listeners and timers.
        #[wasm_bindgen(js_namespace = echarts, js_name = dispose)]
        fn dispose_chart(instance: &Instance);
    }

    /// A live chart: its ECharts instance and the observer that resizes it.
    pub struct Drawing {
        instance: Instance,
        observer: web_sys::ResizeObserver,
        _on_resize: Closure<dyn FnMut()>,
    }

    impl Drawing {
        /// Stops observing and frees ECharts' resources.
        pub fn dispose(self) {
            self.observer.disconnect();
            dispose_chart(&self.instance);
        }
    }

    /// How far ahead of the viewport a chart starts drawing: half a screen, so it is ready
    /// when scrolled to.
    const AHEAD: &str = "50% 0px";

    /// A chart waiting to come near the viewport.
    pub struct Waiting {
        observer: web_sys::IntersectionObserver,
        resolve: js_sys::Function,
        _on_change: Closure<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>,
    }

    /// Dropping a wait stops it. However a wait ends, the observer stops before its callback is freed, and the future
    /// ends (with `false`, unless it had ended already).
    impl Drop for Waiting {
        fn drop(&mut self) {
            self.observer.disconnect();
            let _ = self.resolve.call1(&JsValue::NULL, &JsValue::FALSE);
        }
    }

    /// Watches `element`: the future ends with `true` in a task of its own (a macrotask, so
    /// that charts that come into view together are drawn one per task) once the element is
    /// within [`AHEAD`] of the viewport, at once when it already is; with `false` when the
    /// [`Waiting`] is dropped first.
    pub fn near_viewport(
        element: &web_sys::Element,
    ) -> Result<(Waiting, impl std::future::Future<Output = Result<bool, JsValue>> + use<>), JsValue> {
        let mut resolver = None;
        let promise = js_sys::Promise::new(&mut |resolve, _reject| resolver = Some(resolve));
        let resolve = resolver.ok_or("the promise gave no resolver")?;
        let on_near = resolve.clone();
        let on_change = Closure::<dyn FnMut(js_sys::Array, web_sys::IntersectionObserver)>::new(
            move |entries: js_sys::Array, observer: web_sys::IntersectionObserver| {
                let near = entries.iter().any(|entry| {
                    entry.unchecked_into::<web_sys::IntersectionObserverEntry>().is_intersecting()
                });
                if !near {
                    return;
                }
                observer.disconnect();
                let resolve = on_near.clone();
                let later = Closure::once_into_js(move || {
                    let _ = resolve.call1(&JsValue::NULL, &JsValue::TRUE);
                });
                if let Some(window) = web_sys::window() {
                    let _ = window
                        .set_timeout_with_callback_and_timeout_and_arguments_0(later.unchecked_ref(), 0);
                }
            },
        );
        let options = web_sys::IntersectionObserverInit::new();
        options.set_root_margin(AHEAD);
        let observer =
            web_sys::IntersectionObserver::new_with_options(on_change.as_ref().unchecked_ref(), &options)?;
        observer.observe(element);
        let near = async move { JsFuture::from(promise).await.map(|value| value.is_truthy()) };
        Ok((Waiting { observer, resolve, _on_change: on_change }, near))
    }

    /// Loads ECharts if needed, then draws `option` (ECharts option JSON) into `figure`'s canvas
    /// box (`id` names the chart in errors).
    pub async fn draw(figure: &web_sys::HtmlElement, id: &str, option: &str) -> Result<Drawing, JsValue> {
        let option = js_sys::JSON::parse(option)?;
        load_echarts().await?;
        // This figure's own box, never a namesake on a page shown since.
        if !figure.is_connected() {
            return Err(JsValue::from_str("the chart left the page before it was drawn"));
        }
        let canvas = figure
            .query_selector(".chart-canvas")?
            .ok_or_else(|| JsValue::from_str(&format!("chart {id} has no canvas box")))?;
        // Show the canvas box before ECharts measures it.
        figure.class_list().add_1("chart--drawn")?;
        let dark = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
            .is_some_and(|query| query.matches());
        let theme = if dark { JsValue::from_str("dark") } else { JsValue::UNDEFINED };
        let instance = init(&canvas, &theme)?;
        instance.set_option(&option)?;

        let target = instance.clone();
        let on_resize = Closure::<dyn FnMut()>::new(move || target.resize());
        let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref())?;
        observer.observe(&canvas);
        Ok(Drawing { instance, observer, _on_resize: on_resize })
    }

    /// Adds the ECharts script once per page and waits until `window.echarts` exists.
    async fn load_echarts() -> Result<(), JsValue> {
        let window = web_sys::window().ok_or("no window")?;
        if js_sys::Reflect::has(&window, &"echarts".into())? {
            return Ok(());
        }
        let document = window.document().ok_or("no document")?;
        let script = match document.get_element_by_id("echarts-script") {
            Some(existing) => existing,
            None => {
                let script = document.create_element("script")?;
                script.set_id("echarts-script");
                let url = document
                    .query_selector(&format!("meta[name={}]", crate::assets::CHARTS_META))?
                    .and_then(|meta| meta.get_attribute("content"))
                    .ok_or("the page names no charts bundle")?;
                script.set_attribute("src", &url)?;
                document.head().ok_or("no head")?.append_child(&script)?;
                script
            }
        };
        let loaded = js_sys::Promise::new(&mut |resolve, reject| {
            let _ = script.add_event_listener_with_callback("load", &resolve);
            let _ = script.add_event_listener_with_callback("error", &reject);
        });
        // Another chart may have finished loading it between the check and the listeners.
        if js_sys::Reflect::has(&window, &"echarts".into())? {
            return Ok(());
        }
        JsFuture::from(loaded).await.map(|_| ())
    }
}
