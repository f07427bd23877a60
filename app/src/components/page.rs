//! `<Page>`: the frame of every routed page, a title (in the tab and as the `<h1>`) and content.

use leptos::prelude::*;
use leptos_meta::Title;

/// A page with a heading and an optional lead paragraph.
#[component]
pub fn Page(
    /// The page's title, shown as its heading and in the browser tab.
    #[prop(into)]
    title: String,
    /// A sentence under the heading saying what the page is for.
    #[prop(optional, into)]
    lead: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <Title text=title.clone() />
        <header class="page-header">
            <h1>{title}</h1>
            {lead.map(|lead| view! { <p class="lead">{lead}</p> })}
        </header>
        {children()}
    }
}
