//! `/settings`: the installation's status (database backend, schema, table sizes).

use leptos::prelude::*;

use crate::api::system::{DatabaseStatus, get_database_status};
use crate::charts;
use crate::components::chart::Chart;
use crate::components::error_view::ErrorView;
use crate::components::page::Page;
use crate::i18n::{use_locale, use_messages};

/// The settings page.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let t = use_messages();
    let status = Resource::new(|| (), |_| get_database_status());
    view! {
        <Page title=t.nav_settings lead=t.settings_intro>
            <section class="card" aria-labelledby="system-heading">
                <h2 id="system-heading">{t.system_heading}</h2>
                <Suspense fallback=move || view! { <p aria-busy="true">{t.loading}</p> }>
                    <ErrorBoundary fallback=|errors| view! { <ErrorView errors /> }>
                        {move || Suspend::new(async move {
                            status.await.map(|status| view! { <DatabaseStatusView status /> })
                        })}
                    </ErrorBoundary>
                </Suspense>
            </section>
        </Page>
    }
}

#[component]
fn DatabaseStatusView(status: DatabaseStatus) -> impl IntoView {
    let t = use_messages();
    let locale = use_locale();
    let pending = status.pending();
    let chart = charts::table_sizes(&status.tables, t.table_rows);
    let schema_state = if pending == 0 {
        t.schema_up_to_date.to_owned()
    } else {
        format!(
            "{} ({})",
            t.schema_pending,
            locale.format_count(pending as u64)
        )
    };
    view! {
        <dl class="facts">
            <div>
                <dt>{t.database_backend}</dt>
                <dd>{status.backend.clone()}</dd>
            </div>
            <div>
                <dt>{t.schema_heading}</dt>
                <dd class:warning=move || pending != 0>{schema_state}</dd>
            </div>
        </dl>
        <Chart id="table-sizes-chart" label=t.table_sizes_heading chart />
        <details class="migrations">
            <summary>{t.schema_heading}</summary>
            <table>
                <thead>
                    <tr>
                        <th scope="col">{t.migration_name}</th>
                        <th scope="col">{t.migration_applied_at}</th>
                    </tr>
                </thead>
                <tbody>
                    {status
                        .migrations
                        .into_iter()
                        .map(|m| {
                            let applied = match m.applied_at {
                                Some(at) => view! { <time datetime=at.clone()>{utc_minutes(&at)}</time> }.into_any(),
                                None => view! { <span class="warning">{t.migration_not_applied}</span> }.into_any(),
                            };
                            view! {
                                <tr>
                                    <th scope="row"><code>{m.name}</code></th>
                                    <td>{applied}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// `2026-11-22T00:31:05Z` -> `2026-11-22 00:31 UTC`.
fn utc_minutes(rfc3339: &str) -> String {
    match rfc3339.get(..16) {
        Some(prefix) => format!("{} UTC", prefix.replacen('T', " ", 1)),
        None => rfc3339.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::utc_minutes;

    #[test]
    fn shows_times_to_the_minute_in_utc() {
        assert_eq!(utc_minutes("2026-11-22T00:31:05Z"), "2026-11-22 00:31 UTC");
        assert_eq!(utc_minutes("bad"), "bad");
    }
}
