//! The browser entry point: hydrates the server-rendered page and nothing else. The pages are
//! lazy routes (`app::routes`), so hydration waits for the page group's modules first.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the hydration script Leptos puts in every page.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
